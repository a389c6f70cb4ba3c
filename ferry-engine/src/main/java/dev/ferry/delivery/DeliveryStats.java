package dev.ferry.delivery;

import dev.ferry.api.JobPriority;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The DO statistics of files, read off their counters. Until Ferry has peers every byte comes from
 * HTTP and the mode is SIMPLE (no peer service); the peer and cache fields are wired through so
 * that they fill in when those sources exist.
 */
final class DeliveryStats {
  private DeliveryStats() {}

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
        0,
        0,
        c.bytesFromPeers(),
        c.bytesFromHttp(),
        c.bytesFromCacheServer(),
        0,
        0,
        0,
        c.connections(),
        0,
        0,
        0,
        0,
        c.activeMillis(),
        DownloadMode.SIMPLE,
        status(job, file),
        job.priority() != JobPriority.FOREGROUND,
        c.piecesRejected());
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
    long peers = 0;
    long cache = 0;
    long completedBytes = 0;
    int fgActive = 0;
    int fgPending = 0;
    int bgActive = 0;
    int bgPending = 0;
    int connections = 0;
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
        http += c.bytesFromHttp();
        peers += c.bytesFromPeers();
        cache += c.bytesFromCacheServer();
        connections += c.connections();
        rejected += c.piecesRejected();
        if (file.transferred() || file.completed()) {
          downloaded++;
          completedBytes += file.bytesTotal();
        }
      }
    }
    return new PerfSnapshot(
        files,
        downloaded,
        total,
        http,
        peers,
        cache,
        0,
        downloaded == 0 ? 0 : completedBytes / downloaded,
        fgActive,
        fgPending,
        bgActive,
        bgPending,
        connections,
        0,
        rejected,
        DownloadMode.SIMPLE);
  }
}
