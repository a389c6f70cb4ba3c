package dev.ferry.rest;

/**
 * GET {@link Routes#DASHBOARD}: how to open the dashboard.
 *
 * @param tcpPort the port of the daemon's loopback listener, or null when it has none (the
 *     dashboard is served only there)
 * @param token the listener's bearer token, or null with no listener
 */
public record DashboardView(Integer tcpPort, String token) {
  /** The URL that opens the dashboard, the token in its fragment; null with no listener. */
  public String url() {
    return tcpPort == null ? null : "http://127.0.0.1:" + tcpPort + Routes.PAGE + "#token=" + token;
  }
}
