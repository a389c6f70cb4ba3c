package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.daemon.identity.CallerIdentity;
import dev.ferry.rest.HttpStatusMapping;
import dev.ferry.rest.Problem;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a {@link Problem} body: the engine's errors with the status of {@link
 * HttpStatusMapping}, Javalin's own (no such route, body too large) with their status, and anything
 * else as a logged 500.
 */
final class Problems {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  static final int MAX_BODY = 1 << 20;

  private Problems() {}

  static void register(RoutesConfig routes) {
    routes.exception(
        FerryException.class,
        (e, ctx) -> send(ctx, HttpStatusMapping.statusFor(e.hresult()), Problem.of(e)));
    routes.exception(
        CallerIdentity.AccessDenied.class,
        (e, ctx) -> {
          if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
          }
          send(ctx, e.status(), Problem.of(e.code(), e.getMessage()));
        });
    routes.exception(HttpResponseException.class, Problems::javalin);
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          if (endedEarly(e)) {
            // The caller stopped sending before its body's announced end: its request is bad.
            send(
                ctx,
                400,
                Problem.of(HResult.E_INVALIDARG, "the request body ended before its length"));
            return;
          }
          log.error("unexpected failure of {} {}", ctx.method(), ctx.path(), e);
          send(ctx, 500, Problem.of(HResult.E_UNEXPECTED, "unexpected failure: " + e));
        });
  }

  private static boolean endedEarly(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.io.EofException) {
        return true;
      }
    }
    return false;
  }

  private static void javalin(HttpResponseException e, Context ctx) {
    int status = e.getStatus();
    Problem problem =
        switch (status) {
          case 404, 405 ->
              Problem.of(HResult.E_INVALIDARG, "no such route: " + ctx.method() + " " + ctx.path());
          case 413 ->
              Problem.of(
                  HResult.E_INVALIDARG, "the request body is larger than " + MAX_BODY + " bytes");
          default -> Problem.of(HResult.E_INVALIDARG, e.getMessage());
        };
    send(ctx, status == 405 ? 404 : status, problem);
  }

  static void send(Context ctx, int status, Problem problem) {
    ctx.status(status).json(problem);
  }
}
