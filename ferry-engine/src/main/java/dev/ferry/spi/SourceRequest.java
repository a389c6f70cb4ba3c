package dev.ferry.spi;

import dev.ferry.api.ProxySettings;
import java.net.URI;

/**
 * A request for bytes {@code [start, end)} of a remote file; {@code end} is -1 for "to the end".
 * {@code known} holds the validators seen before, so the source can ask for the bytes only if the
 * file has not changed.
 */
public record SourceRequest(
    URI uri, long start, long end, Validators known, String customHeaders, ProxySettings proxy) {
  public boolean wantsRange() {
    return start > 0 || end >= 0;
  }
}
