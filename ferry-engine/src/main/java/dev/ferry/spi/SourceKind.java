package dev.ferry.spi;

import java.util.Objects;

/**
 * What kind of place a source is, for the statistics (bytes by source kind) and for the order in
 * which sources are asked. Open-ended: a new kind of source names its own.
 *
 * @param name a short lower-case name, used in statistics and persisted with a file's counters
 */
public record SourceKind(String name) {
  /** The file's own server: its URL. */
  public static final SourceKind ORIGIN = new SourceKind("origin");

  /** A cache server standing in for the origin. */
  public static final SourceKind CACHE_SERVER = new SourceKind("cache");

  /** Another machine that has the same content. */
  public static final SourceKind PEER = new SourceKind("peer");

  /** A file on this machine ({@code file:} URLs). */
  public static final SourceKind LOCAL_FILE = new SourceKind("file");

  public SourceKind {
    Objects.requireNonNull(name);
    if (!name.matches("[a-z][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("a source kind is a short lower-case name: " + name);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
