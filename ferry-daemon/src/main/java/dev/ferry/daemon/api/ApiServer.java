package dev.ferry.daemon.api;

import dev.ferry.daemon.dashboard.PageFiles;
import dev.ferry.daemon.dashboard.UsageSampler;
import dev.ferry.daemon.identity.BrowserSessions;
import dev.ferry.daemon.identity.CallerIdentity;
import dev.ferry.engine.Engine;
import dev.ferry.metrics.FerryMetrics;
import dev.ferry.rest.Json;
import dev.ferry.rest.Routes;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The HTTP side of ferryd: Javalin on a Unix socket and, when asked, on 127.0.0.1. Javalin adds its
 * default TCP connector only when no connector is configured, so with the Unix socket always
 * configured no port is opened unless {@code tcpPort} is given.
 */
public final class ApiServer implements AutoCloseable {
  private final Javalin app;
  private final JobEndpoints endpoints;
  private final EventStream events;

  private ApiServer(Javalin app, JobEndpoints endpoints, EventStream events) {
    this.app = app;
    this.endpoints = endpoints;
    this.events = events;
  }

  /**
   * Starts serving {@code engine} on {@code socket} (which must not exist), and on 127.0.0.1:{@code
   * tcpPort} when present.
   */
  public static ApiServer start(
      Engine engine,
      Path socket,
      Set<PosixFilePermission> socketPermissions,
      OptionalInt tcpPort,
      CallerIdentity identity) {
    return start(engine, socket, socketPermissions, tcpPort, identity, null);
  }

  /**
   * As {@link #start(Engine, Path, Set, OptionalInt, CallerIdentity)}, also serving {@code metrics}
   * on {@link Routes#METRICS} and counting every request in them; null for neither.
   */
  public static ApiServer start(
      Engine engine,
      Path socket,
      Set<PosixFilePermission> socketPermissions,
      OptionalInt tcpPort,
      CallerIdentity identity,
      FerryMetrics metrics) {
    return start(engine, socket, socketPermissions, tcpPort, identity, metrics, null, null);
  }

  /**
   * As {@link #start(Engine, Path, Set, OptionalInt, CallerIdentity, FerryMetrics)}, also serving
   * the dashboard: its page on {@link Routes#PAGE}, its session login, and {@code usage}'s samples
   * on {@link Routes#USAGE} (none when null).
   *
   * @param token the TCP listener's token, which {@link Routes#DASHBOARD} tells the daemon's user
   */
  public static ApiServer start(
      Engine engine,
      Path socket,
      Set<PosixFilePermission> socketPermissions,
      OptionalInt tcpPort,
      CallerIdentity identity,
      FerryMetrics metrics,
      UsageSampler usage,
      String token) {
    JobEndpoints endpoints =
        new JobEndpoints(engine, dev.ferry.engine.Ferry.currentUser().isAdministrator());
    EventStream events = new EventStream(engine);
    byte[] openApi = openApi();
    PageFiles page = PageFiles.load();
    AtomicReference<ApiServer> started = new AtomicReference<>();
    DashboardEndpoints dashboard =
        new DashboardEndpoints(
            token,
            () -> started.get() == null ? OptionalInt.empty() : started.get().tcpPort(),
            identity.sessions(),
            usage,
            dev.ferry.engine.Ferry.currentUser().uid());
    Javalin app =
        Javalin.create(cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.startup.showOldJavalinVersionWarning = false;
          cfg.concurrency.useVirtualThreads = true;
          cfg.http.maxRequestSize = Problems.MAX_BODY;
          // Its clients are on this machine, so compression saves no time and costs CPU at both
          // ends (its share of the daemon's CPU: bench/README.md, "Figures behind choices").
          cfg.http.compressionStrategy = CompressionStrategy.NONE;
          cfg.jsonMapper(new JavalinJackson(Json.mapper(), true));
          cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
          cfg.jetty.addConnector((server, http) -> {
            UnixSocketConnector connector =
                new UnixSocketConnector(server, socketPermissions, new HttpConnectionFactory(http));
            connector.setUnixDomainPath(socket);
            return connector;
          });
          tcpPort.ifPresent(port ->
              cfg.jetty.addConnector((server, http) -> {
                ServerConnector connector =
                    new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost("127.0.0.1");
                connector.setPort(port);
                return connector;
              }));
          cfg.routes.before(ctx -> {
            // The page's files hold no data; the page then calls the API, identified as any caller.
            if (!page.isPublic(ctx.path())) {
              identify(ctx, identity);
            }
          });
          page.register(cfg.routes);
          dashboard.register(cfg.routes);
          endpoints.register(cfg.routes);
          new PolicyEndpoints(engine, dev.ferry.engine.Ferry.currentUser().uid())
              .register(cfg.routes);
          new DownloadEndpoints(engine, dev.ferry.engine.Ferry.currentUser().isAdministrator())
              .register(cfg.routes);
          new SeedEndpoints(engine).register(cfg.routes);
          new CacheEndpoints(engine).register(cfg.routes);
          events.register(cfg.routes);
          new LoggingRoutes(dev.ferry.engine.Ferry.currentUser().uid()).register(cfg.routes);
          cfg.routes.get(
              Routes.PREFIX + "/openapi.yaml",
              ctx -> ctx.contentType("application/yaml").result(openApi));
          if (metrics != null) {
            // Behind the same identification as every route (the before handler above).
            cfg.routes.get(
                Routes.METRICS,
                ctx -> ctx.contentType(FerryMetrics.CONTENT_TYPE).result(metrics.scrape()));
            cfg.requestLogger.http((ctx, millis) ->
                metrics.apiRequest(
                    ctx.method().name(),
                    routeOf(ctx),
                    ctx.statusCode(),
                    (long) (millis * 1_000_000.0)));
          }
          Problems.register(cfg.routes);
        });
    try {
      app.start();
    } catch (RuntimeException e) {
      endpoints.close();
      throw e;
    }
    ApiServer server = new ApiServer(app, endpoints, events);
    started.set(server);
    return server;
  }

  private static final String UNIX = "ferry.unix";

  private static void identify(Context ctx, CallerIdentity identity) {
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    if (request == null) {
      throw new CallerIdentity.AccessDenied(403, "the caller's connection is not known");
    }
    ctx.attribute(
        UNIX,
        request.getConnectionMetaData().getConnector()
            instanceof org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector);
    CallerIdentity.Browser browser =
        new CallerIdentity.Browser(
            ctx.cookie(BrowserSessions.COOKIE),
            ctx.method().name(),
            ctx.header("Host"),
            ctx.header("Origin"));
    ctx.attribute(
        JobEndpoints.CALLER,
        identity.callerOf(request.getConnectionMetaData(), ctx.header("Authorization"), browser));
  }

  /** Whether the request came over the Unix socket, where the kernel vouches for the caller. */
  static boolean onUnixSocket(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(UNIX));
  }

  /**
   * The template of the route that answered ({@code /v1/jobs/{id}}), never the request's path,
   * which names jobs: metrics must have a bounded set of labels.
   */
  private static String routeOf(Context ctx) {
    io.javalin.router.Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
    return endpoint == null ? FerryMetrics.NO_ROUTE : endpoint.path;
  }

  private static byte[] openApi() {
    try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the daemon's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port of the TCP listener, if there is one. */
  public OptionalInt tcpPort() {
    return Arrays.stream(app.jettyServer().server().getConnectors())
        .filter(ServerConnector.class::isInstance)
        .mapToInt(c -> ((ServerConnector) c).getLocalPort())
        .findFirst();
  }

  /** Ends the event streams and stops the server; the Unix socket file is removed. */
  @Override
  public void close() {
    events.closeAll();
    app.stop();
    endpoints.close();
  }
}
