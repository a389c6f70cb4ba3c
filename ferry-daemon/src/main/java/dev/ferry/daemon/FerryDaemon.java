package dev.ferry.daemon;

import dev.ferry.api.FerryException;
import dev.ferry.api.JobOwner;
import dev.ferry.cache.CacheSettings;
import dev.ferry.cache.DhcpCacheHosts;
import dev.ferry.daemon.api.ApiServer;
import dev.ferry.daemon.api.CallerAccess;
import dev.ferry.daemon.dashboard.MonthlyUploads;
import dev.ferry.daemon.dashboard.UsageSampler;
import dev.ferry.daemon.doagent.AgentAccess;
import dev.ferry.daemon.doagent.AgentCallers;
import dev.ferry.daemon.doagent.AgentConfig;
import dev.ferry.daemon.doagent.DoAgent;
import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.daemon.identity.CallerIdentity;
import dev.ferry.daemon.identity.UserDirectory;
import dev.ferry.daemon.logging.DaemonLogging;
import dev.ferry.daemon.logging.JobEventLog;
import dev.ferry.delivery.DeliveryExtension;
import dev.ferry.delivery.DownloadPlacement;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import dev.ferry.metrics.FerryMetrics;
import dev.ferry.spi.Clock;
import dev.ferry.swarm.cache.ContentCache;
import dev.ferry.swarm.cache.Machine;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.source.PeerSharing;
import dev.ferry.swarm.upload.UploadConditions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ferryd: one engine over a data directory, served to the users of this machine on a Unix socket.
 * {@link #main} runs it in the foreground until SIGTERM (or SIGINT), then stops it cleanly and
 * exits 0; {@link #start(DaemonOptions)} runs it inside another program.
 */
public final class FerryDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FerryDaemon.class);

  /** The start of the line printed on stdout once connections are accepted. */
  public static final String LISTENING = "ferryd listening on ";

  /** Printed before {@link #LISTENING} when there is a TCP listener: the address it listens on. */
  public static final String TCP_LISTENING = "ferryd tcp listener on ";

  /** The dashboard's totals by day, in the data directory. */
  static final String USAGE_FILE = "usage-days.json";

  private final DaemonOptions options;
  private final Engine engine;
  private final ApiServer server;
  private final Optional<String> token;
  private final UsageSampler usage;
  private final JobEventLog jobLog;
  private volatile Optional<DoAgent> doAgent = Optional.empty();
  private final AtomicBoolean closed = new AtomicBoolean();

  private FerryDaemon(
      DaemonOptions options,
      Engine engine,
      ApiServer server,
      Optional<String> token,
      UsageSampler usage,
      JobEventLog jobLog) {
    this.options = options;
    this.engine = engine;
    this.server = server;
    this.token = token;
    this.usage = usage;
    this.jobLog = jobLog;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the daemon in the foreground until SIGTERM or SIGINT.
   *
   * @return the exit code: 0 after a clean stop (or {@code --help}), 1 when it cannot start, 2 for
   *     a usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    DaemonOptions options;
    try {
      options = DaemonOptions.parse(args);
    } catch (DaemonOptions.HelpRequested e) {
      out.print(DaemonOptions.USAGE);
      out.flush();
      return 0;
    } catch (DaemonOptions.UsageException e) {
      err.println("ferryd: " + e.getMessage());
      err.print(DaemonOptions.USAGE);
      err.flush();
      return 2;
    }
    try {
      DaemonLogging.install(options.logLevel());
    } catch (FerryException e) {
      err.println("ferryd: " + DaemonLogging.LEVEL_VARIABLE + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    FerryDaemon daemon;
    try {
      daemon = start(options);
    } catch (StartupException e) {
      err.println("ferryd: " + e.getMessage());
      err.flush();
      return 1;
    }
    // Other ways out (SIGHUP, System.exit elsewhere) still stop the engine cleanly.
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "ferryd-shutdown"));
    daemon.tcpPort().ifPresent(port -> out.println(TCP_LISTENING + "127.0.0.1:" + port));
    out.println(LISTENING + daemon.socket());
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    daemon.close();
    return 0;
  }

  /**
   * The machine's cache servers: the options', else (with the DO agent) what the agent's
   * admin-config.json says when the daemon starts, as Microsoft's agent reads DOCacheHost and one
   * delay (Background, else Foreground) for every download.
   */
  static CacheSettings cacheHosts(DaemonOptions options) {
    return configuredCacheHosts(options)
        .discovered(() -> DhcpCacheHosts.find(DhcpCacheHosts.LEASE_PLACES));
  }

  /** The cache hosts configured, before DHCP option 235 is asked (DOCacheHostSource). */
  private static CacheSettings configuredCacheHosts(DaemonOptions options) {
    if (options.cacheHosts().enabled() || options.doAgent().isEmpty()) {
      return options.cacheHosts();
    }
    AgentConfig.Values agent = AgentConfig.load(options.doAgent().get().configDir()).current();
    if (agent.cacheHost().isEmpty()) {
      return options.cacheHosts();
    }
    try {
      Long delay = agent.cacheFallbackDelay().map(Duration::toSeconds).orElse(null);
      return new CacheSettings(
              dev.ferry.api.ArgumentRules.cacheHosts(agent.cacheHost().get()),
              CacheSettings.UNSET,
              CacheSettings.UNSET,
              options.cacheHosts().discovery())
          .withDelays(delay, delay);
    } catch (FerryException e) {
      log.warn("the DO agent's DOCacheHost is not usable, so no cache host: {}", e.getMessage());
      return options.cacheHosts();
    }
  }

  /**
   * Starts a daemon: prepares the socket's directory (removing a stale socket), opens the engine
   * and serves the API.
   *
   * @throws StartupException when another daemon answers on the socket, the socket directory is
   *     unsafe, the data directory is in use, or the server cannot listen
   */
  /**
   * {@code config} with ferryd taking part in swarms on its peer port ({@link
   * DaemonOptions#peerPort}): DO's 7680 unless given, any free port while the default is taken. The
   * engine opened with it owns the swarm.
   */
  private static EngineConfig withPeers(
      EngineConfig config, DaemonOptions options, MonthlyUploads uploads, FerryMetrics metrics) {
    int port = options.peerPort().orElse(DaemonOptions.DEFAULT_PEER_PORT);
    if (port == DaemonOptions.PEERS_OFF) {
      return config;
    }
    SwarmSettings settings =
        SwarmSettings.defaults()
            .withPort(port)
            .withUploadBytesPerSecond(options.peerUploadRate())
            .withUploadDelayTarget(options.machine().uploadDelayTarget())
            // DO serves no peer on a metered connection, nor on battery unless allowed.
            .withUploads(
                UploadConditions.ofHost(uploads, options.machine().minBatteryPercentToUpload()));
    PeerSharing sharing;
    try {
      try {
        sharing = PeerSharing.start(settings, config.readTimeout(), options.peerDiscovery());
      } catch (java.net.BindException taken) {
        if (options.peerPort().isPresent()) {
          throw taken;
        }
        log.warn("port {} for peers is taken; listening on another", port);
        sharing =
            PeerSharing.start(settings.withPort(0), config.readTimeout(), options.peerDiscovery());
      }
    } catch (java.io.IOException e) {
      throw new StartupException("cannot listen for peers on port " + port + ": " + e, e);
    }
    metrics.uploadPace(sharing.swarm()::uploadPace);
    log.atInfo()
        .addKeyValue("peer_port", sharing.swarm().port())
        .addKeyValue("download_mode", options.peerDiscovery().mode())
        .addKeyValue("trackers", options.peerDiscovery().trackers().size())
        .log("listening for peers");
    if (options.peerCache().isPresent()) {
      Path dir = options.dataDir().resolve("peer-cache");
      try {
        sharing.keepCompleted(
            ContentCache.open(dir, options.peerCache().get(), Clock.SYSTEM, Machine.local()));
      } catch (java.io.IOException e) {
        // Peers are still served what is downloading and seeded; only completed files are not kept.
        log.warn("cannot open the cache for peers in {}: {}", dir, e.toString());
      }
    }
    return sharing.into(config);
  }

  public static FerryDaemon start(DaemonOptions options) {
    JobOwner self = Ferry.currentUser();
    if (options.system() && !self.isAdministrator()) {
      log.warn("system mode without root: notification programs of other users cannot run");
    }
    SocketPlace.prepare(options.socket(), options.system() ? "rwxr-xr-x" : "rwx------", self.uid());
    if (options.system()) {
      systemDataDir(options.dataDir());
    }
    // A daemon running as root may serve other users (always in system mode): it must create and
    // rename each job's files only where, and as, the job's owner could.
    EngineConfig config = EngineConfig.defaults().withActingForOwners(self.isAdministrator());
    if (options.readTimeout().isPresent()) {
      config = config.withReadTimeout(options.readTimeout().get());
    }
    config = config.withCacheHosts(cacheHosts(options));
    FerryMetrics metrics = FerryMetrics.create();
    MonthlyUploads uploads = new MonthlyUploads(metrics);
    MachineConfig machine = options.machine();
    if (machine.httpDelayBackground().isPresent() || machine.httpDelayForeground().isPresent()) {
      config =
          config.withHttpDelays(
              machine.httpDelayBackground().orElse(Duration.ZERO),
              machine.httpDelayForeground().orElse(Duration.ZERO));
    }
    if (machine.minBackgroundQos().isPresent()) {
      config = config.withMinBackgroundQos(machine.minBackgroundQos().getAsLong());
    }
    config = withPeers(config, options, uploads, metrics);
    config =
        config.withTransferEvents(metrics.transferEvents()).withStoreEvents(metrics.storeEvents());
    Engine engine;
    try {
      engine = Ferry.open(options.dataDir(), config);
    } catch (FerryException e) {
      throw new StartupException(e.getMessage(), e);
    }
    metrics.bind(engine);
    JobEventLog jobLog = JobEventLog.follow(engine);
    try {
      Optional<String> token =
          options.tcpPort().isPresent()
              ? Optional.of(TokenFile.create(options.tokenFile()))
              : Optional.empty();
      UserDirectory users = new UserDirectory(self.name(), self.uid());
      CallerIdentity identity = new CallerIdentity(users, self, token.orElse(null));
      UsageSampler usage =
          UsageSampler.start(
              metrics, options.dataDir().resolve(USAGE_FILE), options.monthlyUploadCap());
      uploads.bind(usage);
      ApiServer server;
      try {
        server =
            ApiServer.start(
                engine,
                options.socket(),
                PosixFilePermissions.fromString(options.socketPermissions()),
                options.tcpPort(),
                identity,
                metrics,
                usage,
                token.orElse(null));
      } catch (RuntimeException e) {
        usage.close();
        throw e;
      }
      log.atInfo()
          .addKeyValue("user", self.name())
          .addKeyValue("uid", self.uid())
          .addKeyValue("mode", options.system() ? "system" : "per-user")
          .addKeyValue("socket", options.socket())
          .addKeyValue("data_dir", options.dataDir())
          .addKeyValue("pid", ProcessHandle.current().pid())
          .log("ferryd started");
      FerryDaemon daemon = new FerryDaemon(options, engine, server, token, usage, jobLog);
      try {
        daemon.doAgent = options.doAgent().map(agent -> startDoAgent(agent, engine, self, users));
      } catch (RuntimeException e) {
        server.close();
        usage.close();
        throw e;
      }
      return daemon;
    } catch (RuntimeException e) {
      engine.close();
      jobLog.close();
      if (e instanceof StartupException) {
        throw e;
      }
      throw new StartupException("cannot serve on " + options.socket() + ": " + rootMessage(e), e);
    }
  }

  // --- DO agent (dev.ferry.daemon.doagent) ---------------------------------------------------

  /**
   * The agent's callers are anonymous, so its downloads run with the rights of one named user who
   * is not root: the user of {@code --do-agent-user} (a root daemon acts as that user, checking
   * what requests name against that user's rights) or, for a daemon that is not root, its own user,
   * whose agent then serves that user's programs only.
   */
  private static DoAgent startDoAgent(
      DoAgentOptions agent, Engine engine, JobOwner self, UserDirectory users) {
    JobOwner owner = self;
    if (agent.user().isPresent()) {
      String name = agent.user().get();
      long uid =
          users
              .uidOf(name)
              .orElseThrow(() -> new StartupException("--do-agent-user: no user " + name));
      owner = new JobOwner(uid, name);
    }
    if (owner.isAdministrator()) {
      throw new StartupException(
          "the DO agent must not act as root: its callers are anonymous, so its downloads run"
              + " with the rights of the user named by --do-agent-user, which must not be root");
    }
    if (!self.isAdministrator() && owner.uid() != self.uid()) {
      throw new StartupException(
          "--do-agent-user: only a daemon running as root can act as " + owner.name());
    }
    AgentAccess access = AgentAccess.NONE;
    AgentCallers callers = AgentCallers.anyone();
    if (self.isAdministrator()) {
      agentConfigDir(agent.configDir());
      CallerAccess check = new CallerAccess(true);
      JobOwner acting = owner;
      access = localPath -> check.checkDestination(acting, localPath);
    } else {
      callers = AgentCallers.onlyUser(self.uid());
    }
    try {
      return DoAgent.start(
          engine
              .extension(DeliveryExtension.class)
              .orElseThrow(() -> new StartupException("the DO agent needs Delivery Optimization"))
              .manager(owner, DownloadPlacement.CREATED_IN_PLACE),
          agent,
          self.isAdministrator(),
          access,
          callers);
    } catch (java.io.UncheckedIOException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /**
   * Creates the agent's configuration directory, as the agent's installation does, so that the
   * SDK's {@code deliveryoptimization_set_iot_connection_string} has a place to write {@code
   * sdk-config.json}. The agent's package gives it to the agent's account and makes it writable by
   * that account's group; here it is root's, mode 0755: any local caller can have the agent write
   * whatever its user may write, so that user must not be able to write the agent's own
   * configuration (turning off the check of remote callers, or naming a cache host).
   */
  private static void agentConfigDir(Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      log.info("created the DO agent configuration directory {}", dir);
    } catch (IOException e) {
      throw new StartupException("cannot create the DO agent configuration directory " + dir, e);
    }
  }

  /** The DO agent listener, when enabled. */
  public Optional<DoAgent> doAgent() {
    return doAgent;
  }

  // --- end DO agent ----------------------------------------------------------------------------

  private static void systemDataDir(Path dir) {
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new StartupException("cannot prepare the data directory " + dir + ": " + e, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  public DaemonOptions options() {
    return options;
  }

  public Path socket() {
    return options.socket();
  }

  public Engine engine() {
    return engine;
  }

  /** The port of the TCP listener, if there is one. */
  public OptionalInt tcpPort() {
    return server.tcpPort();
  }

  /** The TCP bearer token, if there is a TCP listener. */
  public Optional<String> token() {
    return token;
  }

  /**
   * Stops serving (the socket file is removed), then closes the engine, which checkpoints every
   * running transfer so that it resumes at the next start.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.atInfo().addKeyValue("pid", ProcessHandle.current().pid()).log("ferryd stopping");
    doAgent.ifPresent(DoAgent::close);
    try {
      server.close();
    } catch (RuntimeException e) {
      log.warn("the server did not stop cleanly", e);
    }
    engine.close();
    // After the engine, so the last bytes its transfers counted are in the day's total.
    usage.close();
    // After the engine: its last changes are logged too.
    jobLog.close();
    try {
      Files.deleteIfExists(options.socket());
      if (token.isPresent()) {
        Files.deleteIfExists(options.tokenFile());
      }
    } catch (IOException e) {
      log.warn("could not remove {}: {}", options.socket(), e.getMessage());
    }
    log.info("ferryd stopped");
  }
}
