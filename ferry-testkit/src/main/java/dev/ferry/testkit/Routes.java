package dev.ferry.testkit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The origin's routes by path, created on first mention so faults can precede content. */
final class Routes {

  private final ConcurrentMap<String, Route> byPath = new ConcurrentHashMap<>();

  /** The route for {@code path}, which may omit its leading slash. */
  Route get(String path) {
    return byPath.computeIfAbsent(normalize(path), p -> new Route());
  }

  /** {@code path} with exactly the leading slash that request paths carry. */
  static String normalize(String path) {
    return path.startsWith("/") ? path : "/" + path;
  }
}
