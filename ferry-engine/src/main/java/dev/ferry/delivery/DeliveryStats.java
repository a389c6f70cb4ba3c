package dev.ferry.delivery;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.api.delivery.SwarmStatus;
import dev.ferry.engine.job.FileView;
import dev.ferry.engine.job.JobView;
import dev.ferry.engine.transfer.SourceCounters;
import dev.ferry.spi.SourceKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The DO statistics of files, read off their counters by kind of source. DO knows three places
 * bytes come from: HTTP (the origin, and a file: URL's local file), cache servers (which DO counts
 * in HTTP too) and peers, on the LAN, of the group or on the Internet; a kind DO has no field for
 * counts only in the totals.
 */
final class DeliveryStats {
  private DeliveryStats() {}

  /** The kinds DO reports as origins (its CDN): bytes from HTTP with the cache servers'. */
  private static final List<SourceKind> ORIGINS = List.of(SourceKind.ORIGIN, SourceKind.LOCAL_FILE);

  private static long httpBytes(SourceCounters c) {
    long bytes = c.bytes(SourceKind.CACHE_SERVER);
    for (SourceKind kind : ORIGINS) {
      bytes += c.bytes(kind);
    }
    return bytes;
  }

  /** Connections to the origins, DO's HttpConnectionCount (CdnConnections in its perf snap). */
  private static int httpConnections(SourceCounters c) {
    int connections = 0;
    for (SourceKind kind : ORIGINS) {
      connections += c.connections(kind);
    }
    return connections;
  }

  static SwarmStats of(JobView job, FileView file) {
    SourceCounters c = file.counters();
    long size = file.remoteSize();
    DeliverySettings delivery = DeliveryFile.settingsOf(file);
    if (size < 0 && delivery.totalSizeBytes() != null) {
      size = delivery.totalSizeBytes();
    }
    String fileId = delivery.fileId();
    if (fileId == null && job.kind() instanceof DownloadRecord record) {
      fileId = record.text(DownloadProperty.CONTENT_ID);
    }
    return new SwarmStats(
        fileId == null ? job.id() + "/" + file.index() : fileId,
        file.remoteUrl(),
        Math.max(size, 0),
        c.totalBytes(),
        c.bytes(SourceKind.LAN_PEER),
        c.bytes(SourceKind.GROUP_PEER),
        c.bytes(SourceKind.PEER),
        httpBytes(c),
        c.bytes(SourceKind.CACHE_SERVER),
        c.uploaded(SourceKind.LAN_PEER),
        c.uploaded(SourceKind.GROUP_PEER),
        c.uploaded(SourceKind.PEER),
        httpConnections(c),
        c.connections(SourceKind.CACHE_SERVER),
        c.connections(SourceKind.LAN_PEER),
        c.connections(SourceKind.GROUP_PEER),
        c.connections(SourceKind.PEER),
        c.activeMillis(),
        modeOf(job),
        status(job, file),
        job.priority() != JobPriority.FOREGROUND,
        c.piecesRejected(),
        c.place(SourceKind.CACHE_SERVER));
  }

  /**
   * The job's DownloadMode: its own (DOWNLOAD_MODE), else LAN, DO's default, where it shares its
   * content with peers by a description, else simple (HTTP alone).
   */
  static DownloadMode modeOf(JobView job) {
    JobPropertyValue mode = job.properties().get(JobPropertyId.DOWNLOAD_MODE);
    if (mode instanceof JobPropertyValue.Dword dword) {
      return DownloadMode.of(dword.value());
    }
    JobPropertyValue content = job.properties().get(JobPropertyId.CONTENT_DESCRIPTION);
    return content instanceof JobPropertyValue.Text text && !text.value().isEmpty()
        ? DownloadMode.LAN
        : DownloadMode.SIMPLE;
  }

  private static SwarmStatus status(JobView job, FileView file) {
    if (file.completed() || file.transferred()) {
      return SwarmStatus.COMPLETE;
    }
    return switch (job.state()) {
      case QUEUED, CONNECTING, TRANSFERRING -> SwarmStatus.DOWNLOADING;
      default -> SwarmStatus.PAUSED;
    };
  }

  static List<FileDeliveryStatus> statusOf(List<JobView> jobs) {
    List<FileDeliveryStatus> rows = new ArrayList<>();
    for (JobView job : jobs) {
      for (FileView file : job.files()) {
        rows.add(
            new FileDeliveryStatus(
                job.id().toString(),
                DownloadRecord.isDownload(job.kind()),
                DeliveryFile.settingsOf(file).sink() ? "" : file.localPath().toString(),
                of(job, file)));
      }
    }
    return rows;
  }

  static PerfSnapshot perf(List<JobView> jobs) {
    int files = 0;
    int downloaded = 0;
    long total = 0;
    long http = 0;
    long cache = 0;
    long[] fromPeers = new long[SourceKind.PEERS.size()];
    long[] toPeers = new long[SourceKind.PEERS.size()];
    int[] peerConnections = new int[SourceKind.PEERS.size()];
    long completedBytes = 0;
    int fgActive = 0;
    int fgPending = 0;
    int bgActive = 0;
    int bgPending = 0;
    int connections = 0;
    int cacheConnections = 0;
    int rejected = 0;
    for (JobView job : jobs) {
      boolean foreground = job.priority() == JobPriority.FOREGROUND;
      boolean active = job.state() == JobState.CONNECTING || job.state() == JobState.TRANSFERRING;
      boolean pending =
          job.state() == JobState.QUEUED
              || job.state() == JobState.TRANSIENT_ERROR
              || (job.state() == JobState.SUSPENDED && job.resumedOnce());
      if (foreground) {
        fgActive += active ? 1 : 0;
        fgPending += pending ? 1 : 0;
      } else {
        bgActive += active ? 1 : 0;
        bgPending += pending ? 1 : 0;
      }
      for (FileView file : job.files()) {
        SourceCounters c = file.counters();
        files++;
        total += c.totalBytes();
        http += httpBytes(c);
        cache += c.bytes(SourceKind.CACHE_SERVER);
        for (int k = 0; k < SourceKind.PEERS.size(); k++) {
          SourceKind kind = SourceKind.PEERS.get(k);
          fromPeers[k] += c.bytes(kind);
          toPeers[k] += c.uploaded(kind);
          peerConnections[k] += c.connections(kind);
        }
        connections += httpConnections(c);
        cacheConnections += c.connections(SourceKind.CACHE_SERVER);
        rejected += c.piecesRejected();
        if (file.transferred() || file.completed()) {
          downloaded++;
          completedBytes += file.bytesTotal();
        }
      }
    }
    // In the order of SourceKind.PEERS: LAN, group, Internet.
    return new PerfSnapshot(
        files,
        downloaded,
        total,
        http,
        fromPeers[0] + fromPeers[1] + fromPeers[2],
        cache,
        fromPeers[0],
        fromPeers[1],
        fromPeers[2],
        toPeers[0] + toPeers[1] + toPeers[2],
        toPeers[0],
        toPeers[1],
        toPeers[2],
        downloaded == 0 ? 0 : completedBytes / downloaded,
        fgActive,
        fgPending,
        bgActive,
        bgPending,
        connections,
        cacheConnections,
        peerConnections[0] + peerConnections[1] + peerConnections[2],
        peerConnections[0],
        peerConnections[1],
        peerConnections[2],
        rejected,
        DownloadMode.SIMPLE);
  }
}
