package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.daemon.dashboard.UsageSampler;
import dev.ferry.daemon.identity.BrowserSessions;
import dev.ferry.daemon.identity.CallerIdentity;
import dev.ferry.rest.DashboardView;
import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * How a browser gets to the dashboard: {@link Routes#DASHBOARD} tells the daemon's own user (on the
 * Unix socket, where the kernel vouches for the caller) the page's URL with the token; {@link
 * Routes#PAGE_SESSION} trades the token for a session cookie; {@link Routes#USAGE} serves the
 * charts' data.
 */
final class DashboardEndpoints {
  private final String token;
  private final Supplier<OptionalInt> tcpPort;
  private final BrowserSessions sessions;
  private final UsageSampler usage;
  private final long daemonUid;

  /**
   * @param token the TCP listener's token, or null without one
   * @param tcpPort the listener's port, known once the server started
   * @param usage the charts' data, or null when the daemon does not sample it
   */
  DashboardEndpoints(
      String token,
      Supplier<OptionalInt> tcpPort,
      BrowserSessions sessions,
      UsageSampler usage,
      long daemonUid) {
    this.token = token;
    this.tcpPort = tcpPort;
    this.sessions = sessions;
    this.usage = usage;
    this.daemonUid = daemonUid;
  }

  void register(RoutesConfig routes) {
    routes.get(Routes.DASHBOARD, this::where);
    routes.post(Routes.PAGE_SESSION, this::login);
    if (usage != null) {
      routes.get(Routes.USAGE, this::usage);
    }
  }

  private void where(Context ctx) {
    if (!ApiServer.onUnixSocket(ctx)) {
      // A page holding a session must not be able to read the token it was kept from.
      throw new CallerIdentity.AccessDenied(403, "the dashboard's address is told on the socket");
    }
    JobOwner caller = JobEndpoints.caller(ctx);
    if (!caller.isAdministrator() && caller.uid() != daemonUid) {
      throw new FerryException(
          HResult.E_ACCESSDENIED,
          "the dashboard acts as the daemon's user; only that user or the administrator may open"
              + " it");
    }
    OptionalInt port = tcpPort.get();
    ctx.json(
        port.isPresent() && token != null
            ? new DashboardView(port.getAsInt(), token)
            : new DashboardView(null, null));
  }

  /**
   * Opens a session for a caller that presented the token itself: a session cannot open another, so
   * a stolen cookie does not outlive the daemon's sessions by renewing itself.
   */
  private void login(Context ctx) {
    if (ApiServer.onUnixSocket(ctx) || ctx.header("Authorization") == null) {
      throw new CallerIdentity.AccessDenied(401, "a bearer token is required");
    }
    // HttpOnly: the page's scripts never see it; SameSite=Strict: other sites' pages cannot make
    // the browser send it. No Secure: the listener is plain HTTP on loopback. No Max-Age: it ends
    // with the browser's session, and with the daemon, which forgets its sessions.
    ctx.header(
        "Set-Cookie",
        BrowserSessions.COOKIE + "=" + sessions.open() + "; Path=/; HttpOnly; SameSite=Strict");
    ctx.header("Cache-Control", "no-store");
    ctx.status(204);
  }

  private void usage(Context ctx) {
    String after = ctx.queryParam("after");
    long since;
    try {
      since = after == null ? Long.MIN_VALUE : Long.parseLong(after);
    } catch (NumberFormatException e) {
      throw new FerryException(HResult.E_INVALIDARG, "after is seconds since the epoch: " + after);
    }
    ctx.json(usage.view(since));
  }
}
