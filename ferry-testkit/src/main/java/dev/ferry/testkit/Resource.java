package dev.ferry.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.HttpDateTime;

/** One version of the content at a path, with the validators that identify that version. */
record Resource(Content content, String etag, Instant lastModified) {

  // JVM-wide, so that no two versions ever share an ETag, even across origins that reuse a port.
  private static final AtomicLong VERSIONS = new AtomicLong();

  /**
   * A new version of {@code content}, last modified no earlier than {@code notBefore}: HTTP dates
   * have one-second resolution, so successive versions must be a whole second apart for
   * Last-Modified to tell them apart.
   */
  static Resource create(Content content, Instant notBefore) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant lastModified = now.isBefore(notBefore) ? notBefore : now;
    String etag =
        "\""
            + Long.toHexString(VERSIONS.incrementAndGet())
            + "-"
            + Long.toHexString(content.size())
            + "\"";
    return new Resource(content, etag, lastModified);
  }

  /** What replacing this content would look like to a client: same bytes, new validators. */
  Resource successor() {
    return create(content, lastModified.plusSeconds(1));
  }

  long size() {
    return content.size();
  }

  String lastModifiedHttp() {
    return DateGenerator.formatDate(lastModified);
  }

  /**
   * Whether an If-Range validator still names this version. Entity tags compare strongly, so a weak
   * tag never matches; dates must equal Last-Modified exactly.
   */
  boolean matches(String ifRange) {
    String validator = ifRange.strip();
    if (validator.startsWith("\"") || validator.startsWith("W/")) {
      return validator.equals(etag);
    }
    long millis = HttpDateTime.parseToEpoch(validator);
    return millis != -1 && millis == lastModified.toEpochMilli();
  }
}
