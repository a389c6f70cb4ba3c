package dev.ferry.spi;

import java.util.List;
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

  /**
   * Another machine that has the same content, on the Internet: beyond this machine's network and
   * not of its group, or of a place no one told (DO counts such a peer as an Internet peer).
   */
  public static final SourceKind PEER = new SourceKind("peer");

  /** A peer on this machine's network: a private, link-local or loopback address. */
  public static final SourceKind LAN_PEER = new SourceKind("lan-peer");

  /** A peer beyond this machine's network that shares its group (DO's Group download mode). */
  public static final SourceKind GROUP_PEER = new SourceKind("group-peer");

  /** The kinds of peer, as DO's statistics separate them: LAN, group and Internet. */
  public static final List<SourceKind> PEERS = List.of(LAN_PEER, GROUP_PEER, PEER);

  /** A file on this machine ({@code file:} URLs). */
  public static final SourceKind LOCAL_FILE = new SourceKind("file");

  public SourceKind {
    Objects.requireNonNull(name);
    if (!name.matches("[a-z][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("a source kind is a short lower-case name: " + name);
    }
  }

  /** Whether this is one of the {@link #PEERS}. */
  public boolean isPeer() {
    return PEERS.contains(this);
  }

  @Override
  public String toString() {
    return name;
  }
}
