package dev.ferry.swarm.tracker;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.bencode.BString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;

/**
 * An HTTP or HTTPS tracker (BEP 3). It reads at most {@link TrackerSettings#maxResponseBytes} of an
 * answer and gives up after {@link TrackerSettings#announceTimeout}, and then aborts the connection
 * rather than reading the rest of the body to reuse it: a hostile tracker must not make Ferry read
 * without end. The {@code tracker id} a tracker gives is sent back in later announces.
 */
final class HttpTracker implements Tracker {
  private final URI uri;
  private final CloseableHttpClient client;
  private final TrackerSettings settings;
  private volatile Optional<BString> trackerId = Optional.empty();

  HttpTracker(URI uri, CloseableHttpClient client, TrackerSettings settings) {
    this.uri = uri;
    this.client = client;
    this.settings = settings;
  }

  @Override
  public URI uri() {
    return uri;
  }

  @Override
  public AnnounceResponse announce(AnnounceRequest request) throws IOException {
    HttpGet get = new HttpGet(HttpAnnounceQuery.of(uri, request, trackerId));
    // Announces come minutes apart: a kept connection would be stale by the next one, and
    // trackers such as opentracker close it without saying so.
    get.setHeader("Connection", "close");
    byte[] body;
    int status;
    try (ClassicHttpResponse response = client.executeOpen(null, get, null)) {
      status = response.getCode();
      body = readBounded(get, response.getEntity());
    } catch (TrackerException e) {
      throw e;
    } catch (IOException e) {
      throw TrackerException.failed(uri, "announce failed: " + e, e);
    }
    HttpAnnounceParser.Parsed parsed;
    try {
      parsed = HttpAnnounceParser.parse(uri, body);
    } catch (TrackerException e) {
      // A refusal is the tracker's word whatever the status; anything else unreadable with an
      // error status is reported by its status.
      if (e.failureReason().isEmpty() && status != 200) {
        throw TrackerException.failed(uri, "HTTP status " + status, e);
      }
      throw e;
    }
    parsed.trackerId().ifPresent(id -> trackerId = Optional.of(id));
    return parsed.response();
  }

  private byte[] readBounded(HttpGet get, HttpEntity entity) throws IOException {
    if (entity == null) {
      return new byte[0];
    }
    int max = settings.maxResponseBytes();
    if (entity.getContentLength() > max) {
      get.cancel();
      throw tooLarge(entity.getContentLength() + " bytes");
    }
    Clock clock = settings.clock();
    long deadline = clock.nanoTime() + settings.announceTimeout().toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = entity.getContent()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        if (out.size() > max) {
          get.cancel();
          throw tooLarge("more than " + max + " bytes");
        }
        if (clock.nanoTime() - deadline > 0) {
          get.cancel();
          throw TrackerException.failed(
              uri, "the answer took longer than " + pretty(settings.announceTimeout()));
        }
      }
    }
    return out.toByteArray();
  }

  private TrackerException tooLarge(String size) {
    return TrackerException.failed(
        uri, "the answer is too large (" + size + ", at most " + settings.maxResponseBytes() + ")");
  }

  private static String pretty(Duration duration) {
    return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  /** The HTTP client is {@link Trackers}'s, shared by every HTTP tracker: nothing to close. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return uri.toString();
  }
}
