package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.rest.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where one file of a {@code ferry get} came from and what of it went to peers while it downloaded
 * (DO's statistics, read before its job completes and they go with it), and its SHA-256 once it is
 * in place: the summary's counts and the {@code --json} record.
 */
record FileSources(
    String url,
    String path,
    long size,
    long http,
    PeerBytes peers,
    long cache,
    int rejected,
    PeerBytes toPeers,
    String sha256) {

  /**
   * Each of {@code job}'s files; a file without DO's statistics counts none. A job of ferryd's
   * offers no DO interface on its files: their statistics are then read from {@code manager}'s DO
   * status, where the job's rows stand until it completes.
   */
  static List<FileSources> of(BackgroundCopyJob job, BackgroundCopyManager manager) {
    List<FileSources> counted = new ArrayList<>();
    List<FileDeliveryStatus> status = null;
    for (BackgroundCopyFile file : job.files()) {
      SwarmStats stats = null;
      try {
        stats = DeliveryOptimizationFile.of(file).getStats();
      } catch (RuntimeException noInterface) {
        if (status == null) {
          status = statusOf(job, manager);
        }
        stats = statsOf(status, file);
      }
      counted.add(
          new FileSources(
              file.remoteName(),
              file.localName(),
              file.progress().bytesTotal(),
              stats == null ? 0 : stats.bytesFromHttp(),
              stats == null
                  ? PeerBytes.NONE
                  : new PeerBytes(
                      stats.bytesFromLanPeers(),
                      stats.bytesFromGroupPeers(),
                      stats.bytesFromInternetPeers()),
              stats == null ? 0 : stats.bytesFromCacheServer(),
              stats == null ? 0 : stats.piecesFailedIntegrity(),
              stats == null
                  ? PeerBytes.NONE
                  : new PeerBytes(
                      stats.bytesToLanPeers(),
                      stats.bytesToGroupPeers(),
                      stats.bytesToInternetPeers()),
              null));
    }
    return counted;
  }

  /** {@code job}'s rows of DO's status; none where the manager has no DO interface. */
  private static List<FileDeliveryStatus> statusOf(
      BackgroundCopyJob job, BackgroundCopyManager manager) {
    try {
      String id = job.id().toString();
      return DeliveryManager.of(manager).deliveryStatus().stream()
          .filter(row -> row.ownerId().equals(id))
          .toList();
    } catch (RuntimeException noStatistics) {
      // Counted as none: the summary is only the richer for them.
      return List.of();
    }
  }

  /** The statistics of {@code file} among {@code rows}, by its local path; null when none. */
  private static SwarmStats statsOf(List<FileDeliveryStatus> rows, BackgroundCopyFile file) {
    for (FileDeliveryStatus row : rows) {
      if (row.localPath().equals(file.localName())) {
        return row.stats();
      }
    }
    return null;
  }

  /** The bytes of {@code job}'s files that came from cache servers. */
  static long fromCache(BackgroundCopyJob job, BackgroundCopyManager manager) {
    return of(job, manager).stream().mapToLong(FileSources::cache).sum();
  }

  /** The same, with the SHA-256 of the file now at {@link #path} (null when unreadable). */
  FileSources hashed() {
    String hex;
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      hex = HexFormat.of().formatHex(digest.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      hex = null;
    }
    return new FileSources(url, path, size, http, peers, cache, rejected, toPeers, hex);
  }

  /** The --json record: every file, the totals, and the file's SHA-256 when there is one. */
  static String record(List<FileSources> files, int failures) {
    ObjectNode record = Json.mapper().createObjectNode();
    var array = record.putArray("files");
    long http = 0;
    PeerBytes peers = PeerBytes.NONE;
    long cache = 0;
    PeerBytes toPeers = PeerBytes.NONE;
    for (FileSources s : files) {
      ObjectNode file = array.addObject();
      file.put("url", s.url());
      file.put("path", s.path());
      file.put("size", s.size());
      file.put("bytesFromHttp", s.http());
      s.peers().putInto(file);
      file.put("bytesFromCacheServer", s.cache());
      file.put("piecesRejected", s.rejected());
      s.toPeers().putInto(file, "bytesTo");
      file.put("sha256", s.sha256());
      http += s.http();
      peers = peers.plus(s.peers());
      cache += s.cache();
      toPeers = toPeers.plus(s.toPeers());
    }
    record.put("bytesFromHttp", http);
    peers.putInto(record);
    record.put("bytesFromCacheServer", cache);
    toPeers.putInto(record, "bytesTo");
    if (files.size() == 1) {
      record.put("sha256", files.get(0).sha256());
    }
    record.put("failures", failures);
    try {
      return Json.mapper().writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes from (or to) peers by kind, as DO's statistics separate them. */
  record PeerBytes(long lan, long group, long internet) {
    static final PeerBytes NONE = new PeerBytes(0, 0, 0);

    long total() {
      return lan + group + internet;
    }

    PeerBytes plus(PeerBytes o) {
      return new PeerBytes(lan + o.lan, group + o.group, internet + o.internet);
    }

    void putInto(ObjectNode node) {
      putInto(node, "bytesFrom");
    }

    /** As {@code prefix}Peers, {@code prefix}LanPeers, ... ("bytesFrom", "bytesTo"). */
    void putInto(ObjectNode node, String prefix) {
      node.put(prefix + "Peers", total());
      node.put(prefix + "LanPeers", lan);
      node.put(prefix + "GroupPeers", group);
      node.put(prefix + "InternetPeers", internet);
    }
  }
}
