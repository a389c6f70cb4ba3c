package dev.ferry.delivery;

import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.engine.job.FileView;
import dev.ferry.engine.job.JobRef;
import dev.ferry.engine.job.JobView;
import dev.ferry.engine.piece.PieceMap;
import dev.ferry.engine.piece.Span;
import dev.ferry.engine.piece.SpanSet;
import dev.ferry.spi.Clock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download's thread for its caller: feeds verified bytes to the sink in order, and calls the
 * status callback when the state changes and as often as CallbackFreqSeconds / CallbackFreqPercent
 * ask while it transfers. Neither ever runs on a transfer thread, so a slow caller slows only
 * itself.
 */
final class DownloadWatcher {
  private static final Logger log = LoggerFactory.getLogger(DownloadWatcher.class);

  private final JobRef job;
  private final DownloadHandle handle;
  private final DownloadRecord record;
  private final Clock clock;

  /** Remote bytes handed to the sink; guarded by this. */
  private final SpanSet delivered = new SpanSet();

  private volatile boolean allDelivered;

  DownloadWatcher(JobRef job, DownloadHandle handle, DownloadRecord record, Clock clock) {
    this.job = job;
    this.handle = handle;
    this.record = record;
    this.clock = clock;
  }

  void start() {
    Thread.ofVirtual().name("ferry-download-" + job.id()).start(this::run);
  }

  /** Whether the sink (if any) has every wanted byte. */
  boolean delivered() {
    return record.sink == null || allDelivered;
  }

  private void run() {
    DownloadStatus last = null;
    long lastCallMs = 0;
    while (true) {
      long seen = record.version();
      pump();
      DownloadStatus status = DoErrors.run(handle::status);
      DownloadStatusCallback callback = record.callback;
      if (callback != null && due(last, status, lastCallMs)) {
        try {
          callback.onStatusChange(handle, status);
        } catch (RuntimeException e) {
          log.atWarn()
              .addKeyValue("job", job.id())
              .setCause(e)
              .log("the download's status callback failed");
        }
        last = status;
        lastCallMs = clock.millis();
      }
      if (status.state().isFinal()) {
        return;
      }
      try {
        record.awaitChange(seen, waitMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private long waitMillis() {
    Object seconds = record.get(DownloadProperty.CALLBACK_FREQ_SECONDS);
    long s = seconds instanceof Integer n && n > 0 ? n : 1;
    return s * 1000;
  }

  private boolean due(DownloadStatus last, DownloadStatus now, long lastCallMs) {
    if (last == null
        || last.state() != now.state()
        || last.error() != now.error()
        || last.extendedError() != now.extendedError()) {
      return true;
    }
    if (now.state() != DownloadState.TRANSFERRING
        || now.bytesTransferred() == last.bytesTransferred()) {
      return false;
    }
    Object seconds = record.get(DownloadProperty.CALLBACK_FREQ_SECONDS);
    int freqSeconds = seconds instanceof Integer n ? n : 1;
    if (freqSeconds > 0 && clock.millis() - lastCallMs >= freqSeconds * 1000L) {
      return true;
    }
    Object percent = record.get(DownloadProperty.CALLBACK_FREQ_PERCENT);
    if (percent instanceof Integer p && p > 0 && now.bytesTotal() > 0) {
      return (now.bytesTransferred() - last.bytesTransferred()) * 100
          >= (long) p * now.bytesTotal();
    }
    return false;
  }

  /** Delivers what is left before Finalize, on the caller's thread. */
  void drain() {
    pump();
  }

  /**
   * Hands the sink every verified byte it has not had, in increasing order within each wanted span;
   * stops a span at its first missing piece.
   */
  private synchronized void pump() {
    DownloadSink sink = record.sink;
    if (sink == null || record.sinkError != 0) {
      return;
    }
    JobView view = job.view();
    if (view.files().isEmpty()) {
      return;
    }
    FileView file = view.files().get(0);
    PieceMap pieces = job.pieces(0);
    if (pieces == null) {
      return;
    }
    boolean complete = true;
    try (FileChannel in = FileChannel.open(file.writtenPath(), StandardOpenOption.READ)) {
      for (Span wanted : pieces.layout().wanted()) {
        for (Span missing : delivered.subtractFrom(wanted)) {
          long end = missing.start();
          while (end < missing.end() && pieces.isDone(pieces.pieceOf(end))) {
            end = Math.min(missing.end(), pieces.pieceSpan(pieces.pieceOf(end)).end());
          }
          deliver(in, sink, new Span(missing.start(), end));
          if (end < missing.end()) {
            complete = false;
            break;
          }
        }
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    boolean wasComplete = allDelivered;
    allDelivered = complete && job.view().files().get(0).transferred();
    if (allDelivered && !wasComplete) {
      record.changed();
    }
  }

  private void deliver(FileChannel in, DownloadSink sink, Span span) throws IOException {
    SinkCopy.copy(in, sink, span);
    delivered.add(span);
  }

  private void fail(IOException e) {
    log.atWarn()
        .addKeyValue("job", job.id())
        .setCause(e)
        .log("the download's sink failed; pausing it");
    record.sinkError = HResult.ERROR_WRITE_FAULT.value();
    try {
      job.suspend(job.owner());
    } catch (RuntimeException ignored) {
      // Already final: nothing left to pause.
    }
    record.changed();
  }
}
