package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.daemon.logging.LogKeys;
import dev.ferry.daemon.logging.LogLevels;
import dev.ferry.rest.LogLevelView;
import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The local API's part in ferryd's logs: the caller of each request in the MDC, so that every line
 * the request causes (a job's change included) names its uid; and {@link Routes#LOG_LEVELS} /
 * {@link Routes#LOG_LEVEL}, where anybody may read the levels and the daemon's owners (the
 * administrator, or the user a per-user daemon runs as) may change them.
 */
final class LoggingRoutes {
  private static final Logger log = LoggerFactory.getLogger(LoggingRoutes.class);

  private final long daemonUid;

  LoggingRoutes(long daemonUid) {
    this.daemonUid = daemonUid;
  }

  /** Registers the routes, and the MDC's caller after the handler that identifies the caller. */
  void register(RoutesConfig routes) {
    routes.before(ctx -> {
      // The dashboard's page files are served to anyone, so they have no caller.
      JobOwner caller = ctx.attribute(JobEndpoints.CALLER);
      if (caller != null) {
        MDC.put(LogKeys.CALLER, Long.toString(caller.uid()));
      }
    });
    routes.after(ctx -> MDC.remove(LogKeys.CALLER));
    routes.get(Routes.LOG_LEVELS, ctx -> ctx.json(LogLevels.current().configured()));
    routes.get(Routes.LOG_LEVEL, ctx -> ctx.json(LogLevels.current().get(logger(ctx))));
    routes.put(Routes.LOG_LEVEL, this::change);
  }

  private void change(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    if (!caller.isAdministrator() && caller.uid() != daemonUid) {
      throw new FerryException(
          HResult.E_ACCESSDENIED,
          "only the administrator or the daemon's own user may change its log levels");
    }
    String logger = logger(ctx);
    LogLevelView changed =
        LogLevels.current().set(logger, Requests.body(ctx, LogLevelView.class).level());
    // After the change, so that raising a level is seen at once; the caller is in the MDC.
    log.atInfo()
        .addKeyValue(LogKeys.CHANGED_LOGGER, changed.logger())
        .addKeyValue(LogKeys.NEW_LEVEL, changed.level() == null ? "inherit" : changed.level())
        .log("log level changed");
    ctx.json(changed);
  }

  private static String logger(Context ctx) {
    return ctx.pathParam("logger");
  }
}
