package dev.ferry.client;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.JobState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The callbacks registered in this process, by job. While there is at least one, the manager reads
 * the daemon's event stream and hands each event to the job's {@link JobNotifier}; it never runs a
 * callback itself, so a slow callback cannot hold up the stream.
 */
final class Callbacks {
  private static final java.time.Duration CONNECT_PATIENCE = java.time.Duration.ofSeconds(5);
  private final RemoteManager manager;
  private final Map<UUID, JobNotifier> notifiers = new ConcurrentHashMap<>();
  private final EventStream stream;
  private boolean closed;

  Callbacks(RemoteManager manager) {
    this.manager = manager;
    this.stream = new EventStream(manager.transport, this::onEvent, this::onConnected);
  }

  Optional<BackgroundCopyCallback> callback(UUID jobId) {
    return Optional.ofNullable(notifiers.get(jobId)).map(JobNotifier::callback);
  }

  /** The last registration wins; null removes the job's callback. */
  synchronized void register(RemoteJob job, BackgroundCopyCallback callback) {
    if (closed) {
      return;
    }
    JobNotifier fresh = callback == null ? null : new JobNotifier(job, callback);
    JobNotifier old = fresh == null ? notifiers.remove(job.id()) : notifiers.put(job.id(), fresh);
    if (old != null) {
      old.close();
    }
    if (fresh != null) {
      // Once registered, no event may be missed: wait (briefly) for the stream to be open.
      stream.start();
      boolean streaming = stream.awaitConnected(CONNECT_PATIENCE);
      // An entry before now is delivered at once; a later one comes through the stream, in order
      // after its file events. Without a stream, catch up on whatever the job shows.
      fresh.registered(streaming ? Instant.now() : Instant.MAX);
    } else if (notifiers.isEmpty()) {
      stream.stop();
    }
  }

  /** A change this client made that the daemon announces with no event (files added, URL set). */
  void locallyModified(UUID jobId) {
    JobNotifier notifier = notifiers.get(jobId);
    if (notifier != null) {
      notifier.modified();
    }
  }

  /**
   * The job is final: no callback can apply any more (the engine drops them at Complete and
   * Cancel), so the registration goes, and with the last one the stream.
   */
  synchronized void finished(UUID jobId) {
    JobNotifier notifier = notifiers.remove(jobId);
    if (notifier != null) {
      notifier.close();
      if (notifiers.isEmpty()) {
        stream.stop();
      }
    }
  }

  private void onEvent(EventStream.Event event) {
    UUID id;
    try {
      id = UUID.fromString(event.view().jobId());
    } catch (IllegalArgumentException e) {
      return;
    }
    JobState state = parseState(event.view().state());
    if (event.kind().equals("changed") && state != null && state.isFinal()) {
      manager.tombstones.bury(id, state, null);
      finished(id);
      return;
    }
    JobNotifier notifier = notifiers.get(id);
    if (notifier == null) {
      return;
    }
    switch (event.kind()) {
      case "changed" -> notifier.changed(state);
      case "progress" -> notifier.modified();
      case "file-transferred" -> {
        if (event.view().fileIndex() != null) {
          notifier.fileTransferred(event.view().fileIndex());
        }
      }
      default -> {
        // A kind this client does not know yet.
      }
    }
  }

  /** (Re)connected: whatever happened before the stream opened is read from each job. */
  private void onConnected(Instant openSince) {
    notifiers.values().forEach(n -> n.catchUpBefore(openSince));
  }

  private static JobState parseState(String state) {
    try {
      return state == null ? null : JobState.valueOf(state);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  synchronized void close() {
    closed = true;
    stream.stop();
    notifiers.values().forEach(JobNotifier::close);
    notifiers.clear();
  }
}
