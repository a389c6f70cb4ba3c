package dev.ferry.engine.transfer;

import dev.ferry.spi.SourceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a file's bytes came from, by kind of source, built from the transfer's events: a new kind
 * of source needs no new field. Bytes are counted as received, including those of pieces that
 * failed verification and were fetched again.
 *
 * @param byKind bytes received and responses opened, for each kind of source that sent any
 * @param activeMillis time spent transferring
 * @param piecesRejected pieces that failed verification
 * @param uploadedTo bytes sent to peers, by kind of peer (one of {@link SourceKind#PEERS})
 */
public record SourceCounters(
    Map<SourceKind, PerKind> byKind,
    long activeMillis,
    int piecesRejected,
    Map<SourceKind, Long> uploadedTo) {
  public static final SourceCounters ZERO = new SourceCounters(Map.of(), 0, 0);

  /**
   * How the store's entries of bytes sent to peers begin, {@code >kind=bytes}: no source kind's
   * name starts so.
   */
  private static final String UPLOADED = ">";

  /**
   * The entry written before uploads were kept by kind of peer: all of them, counted as sent to
   * Internet peers, as DO counts a peer it cannot place.
   */
  private static final String UPLOADED_BEFORE_KINDS = ">peers=";

  /** Counts of a file nothing was sent to peers of. */
  public SourceCounters(Map<SourceKind, PerKind> byKind, long activeMillis, int piecesRejected) {
    this(byKind, activeMillis, piecesRejected, Map.of());
  }

  /**
   * What one kind of source delivered.
   *
   * @param bytes bytes received
   * @param connections responses opened (connections used, in DO's sense)
   * @param place the place of that kind that answered last, where a source stands for several (the
   *     cache host: DO's CacheHost), else ""
   */
  public record PerKind(long bytes, int connections, String place) {
    public PerKind {
      place = place == null ? "" : place.strip();
    }

    public PerKind(long bytes, int connections) {
      this(bytes, connections, "");
    }
  }

  public SourceCounters {
    byKind = Map.copyOf(byKind);
    uploadedTo = Map.copyOf(uploadedTo);
  }

  /** Bytes sent to peers, every kind together. */
  public long uploaded() {
    long sum = 0;
    for (long bytes : uploadedTo.values()) {
      sum += bytes;
    }
    return sum;
  }

  /** Bytes sent to peers of {@code kind}. */
  public long uploaded(SourceKind kind) {
    return uploadedTo.getOrDefault(kind, 0L);
  }

  /**
   * From the three byte columns of rows written before the store kept counts by kind: HTTP (every
   * kind but peers and cache servers, kept as the origin's), peers and cache servers; connections
   * as the origin's.
   */
  public SourceCounters(
      long bytesFromHttp,
      long bytesFromPeers,
      long bytesFromCacheServer,
      int connections,
      long activeMillis,
      int piecesRejected) {
    this(
        stored(bytesFromHttp, bytesFromPeers, bytesFromCacheServer, connections),
        activeMillis,
        piecesRejected);
  }

  private static Map<SourceKind, PerKind> stored(
      long http, long peers, long cache, int connections) {
    Map<SourceKind, PerKind> byKind = new HashMap<>();
    if (http != 0 || connections != 0) {
      byKind.put(SourceKind.ORIGIN, new PerKind(http, connections));
    }
    if (peers != 0) {
      byKind.put(SourceKind.PEER, new PerKind(peers, 0));
    }
    if (cache != 0) {
      byKind.put(SourceKind.CACHE_SERVER, new PerKind(cache, 0));
    }
    return byKind;
  }

  /**
   * The counts by kind as the store keeps them: {@code kind=bytes/connections}, with {@code /place}
   * after them where a place is known, separated by spaces, in the order of the kinds' names; null
   * when there are none. A place is a host name or address with its port, which has neither space
   * nor slash.
   */
  public String encodeByKind() {
    if (byKind.isEmpty() && uploadedTo.isEmpty()) {
      return null;
    }
    // A loop, not a stream: every checkpoint of every file writes it.
    List<SourceKind> kinds = new ArrayList<>(byKind.keySet());
    kinds.sort(Comparator.comparing(SourceKind::name));
    StringBuilder text = new StringBuilder();
    for (SourceKind kind : kinds) {
      PerKind counts = byKind.get(kind);
      if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(kind.name())
          .append('=')
          .append(counts.bytes())
          .append('/')
          .append(counts.connections());
      if (!counts.place().isEmpty()) {
        text.append('/').append(counts.place());
      }
    }
    List<SourceKind> peers = new ArrayList<>(uploadedTo.keySet());
    peers.sort(Comparator.comparing(SourceKind::name));
    for (SourceKind kind : peers) {
      text.append(text.isEmpty() ? "" : " ")
          .append(UPLOADED)
          .append(kind.name())
          .append('=')
          .append(uploadedTo.get(kind));
    }
    return text.toString();
  }

  public static SourceCounters decode(String byKind, long activeMillis, int piecesRejected) {
    Map<SourceKind, PerKind> counts = new HashMap<>();
    Map<SourceKind, Long> uploaded = new HashMap<>();
    for (String entry : byKind.strip().split("\\s+")) {
      if (entry.startsWith(UPLOADED)) {
        int eq = entry.indexOf('=');
        try {
          SourceKind to =
              entry.startsWith(UPLOADED_BEFORE_KINDS)
                  ? SourceKind.PEER
                  : new SourceKind(entry.substring(UPLOADED.length(), eq));
          uploaded.merge(to, Long.parseLong(entry.substring(eq + 1)), Long::sum);
        } catch (IllegalArgumentException | IndexOutOfBoundsException unreadable) {
          // Left out, as an unreadable kind is.
        }
        continue;
      }
      int eq = entry.indexOf('=');
      int slash = entry.indexOf('/', eq + 1);
      if (eq <= 0 || slash < 0) {
        continue;
      }
      int placeSlash = entry.indexOf('/', slash + 1);
      try {
        counts.put(
            new SourceKind(entry.substring(0, eq)),
            new PerKind(
                Long.parseLong(entry.substring(eq + 1, slash)),
                Integer.parseInt(
                    entry.substring(slash + 1, placeSlash < 0 ? entry.length() : placeSlash)),
                placeSlash < 0 ? "" : entry.substring(placeSlash + 1)));
      } catch (IllegalArgumentException unreadable) {
        // A name or a number of a format this version does not know: left out.
      }
    }
    return new SourceCounters(counts, activeMillis, piecesRejected, uploaded);
  }

  /** Bytes received from sources of {@code kind}. */
  public long bytes(SourceKind kind) {
    PerKind counts = byKind.get(kind);
    return counts == null ? 0 : counts.bytes();
  }

  /** Responses opened from sources of {@code kind}. */
  public int connections(SourceKind kind) {
    PerKind counts = byKind.get(kind);
    return counts == null ? 0 : counts.connections();
  }

  /** The place of {@code kind} that answered last ({@link PerKind#place}), or "". */
  public String place(SourceKind kind) {
    PerKind counts = byKind.get(kind);
    return counts == null ? "" : counts.place();
  }

  public long totalBytes() {
    long total = 0;
    for (PerKind counts : byKind.values()) {
      total += counts.bytes();
    }
    return total;
  }

  /** Responses opened from every kind of source. */
  public int connections() {
    int total = 0;
    for (PerKind counts : byKind.values()) {
      total += counts.connections();
    }
    return total;
  }

  /** Responses of peers of every kind. */
  public int peerConnections() {
    int sum = 0;
    for (SourceKind kind : SourceKind.PEERS) {
      sum += connections(kind);
    }
    return sum;
  }

  /** The store's HTTP column: every byte that came neither from peers nor from cache servers. */
  public long bytesFromHttp() {
    return totalBytes() - bytesFromPeers() - bytesFromCacheServer();
  }

  /** The store's peers column: bytes from peers of every kind. */
  public long bytesFromPeers() {
    long sum = 0;
    for (SourceKind kind : SourceKind.PEERS) {
      sum += bytes(kind);
    }
    return sum;
  }

  /** The store's cache-server column. */
  public long bytesFromCacheServer() {
    return bytes(SourceKind.CACHE_SERVER);
  }
}
