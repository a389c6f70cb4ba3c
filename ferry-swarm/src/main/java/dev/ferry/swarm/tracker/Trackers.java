package dev.ferry.swarm.tracker;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Makes the {@link Tracker} for an announce URL by its scheme: {@code http} and {@code https} (BEP
 * 3) or {@code udp} (BEP 15). Owns the one HTTP client its HTTP trackers share, built as the
 * engine's HttpSource builds its own (timeouts on connect and on every read, no cookies, no
 * automatic retries, no content compression), so close it after the trackers it made.
 */
public final class Trackers implements AutoCloseable {
  private final TrackerSettings settings;
  private final CloseableHttpClient http;

  public Trackers(TrackerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Timeout connect = Timeout.of(settings.connectTimeout());
    Timeout read = Timeout.of(settings.readTimeout());
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(connect)
                            .setSocketTimeout(read)
                            .build())
                    .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
                    .build())
            // Announces are repeated on the tracker's schedule: a retry here would only double
            // the load on a tracker that is struggling.
            .disableAutomaticRetries()
            // A tracker's cookies would link this node's announces of different swarms.
            .disableCookieManagement()
            // The size bound is on what comes over the wire, and a compressed answer could
            // inflate far beyond it.
            .disableContentCompression()
            .setUserAgent("Ferry/0.1")
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(true)
                    .setMaxRedirects(5)
                    .setCircularRedirectsAllowed(false)
                    .setResponseTimeout(read)
                    .build())
            .build();
  }

  /**
   * The tracker at {@code announce}.
   *
   * @throws IllegalArgumentException for a URL without a host, or with a scheme other than http,
   *     https and udp (such as WebTorrent's wss), saying which
   */
  public Tracker open(URI announce) {
    String scheme =
        announce.getScheme() == null ? "" : announce.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "http", "https" -> new HttpTracker(hosted(announce), http, settings);
      case "udp" -> {
        if (hosted(announce).getPort() < 1) {
          throw new IllegalArgumentException("UDP tracker URL " + announce + " has no port");
        }
        yield new UdpTracker(announce, settings);
      }
      default ->
          throw new IllegalArgumentException(
              "tracker URL "
                  + announce
                  + " has scheme '"
                  + scheme
                  + "': Ferry announces to http, https and udp trackers only");
    };
  }

  private static URI hosted(URI announce) {
    if (announce.getHost() == null) {
      throw new IllegalArgumentException("tracker URL " + announce + " has no host");
    }
    return announce;
  }

  @Override
  public void close() {
    http.close(CloseMode.IMMEDIATE);
  }
}
