package dev.ferry.client;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.api.delivery.DownloadState;
import dev.ferry.api.delivery.DownloadStatus;
import dev.ferry.api.delivery.DownloadStatusCallback;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.DownloadPropertyValue;
import dev.ferry.rest.DownloadView;
import dev.ferry.rest.FileView;
import dev.ferry.rest.StartDownloadRequest;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IDODownload over ferryd. Two properties are held here rather than in the daemon, because they
 * describe this process, not the download: CallbackInterface (the callback is called from a thread
 * of this client that polls the download's status at CallbackFreqSeconds) and BlockingMode ({@link
 * #start} waits here, so that no request hangs in the daemon). StreamInterface cannot cross the
 * socket and is refused with E_INVALIDARG. Everything else is the daemon's, with its errors.
 */
final class RemoteDownload implements Download {
  private static final Logger log = LoggerFactory.getLogger(RemoteDownload.class);
  private static final Duration BLOCKING_POLL = Duration.ofMillis(200);

  private final RemoteManager manager;
  private final Transport transport;
  private final String id;
  private final String path;
  private final Object lock = new Object();
  private DownloadStatusCallback callback;
  private boolean blocking;
  private Thread poller;

  RemoteDownload(RemoteManager manager, String id) {
    this.manager = manager;
    this.transport = manager.transport;
    this.id = id;
    this.path = dev.ferry.rest.Routes.download(id);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void start(List<DownloadRange> ranges) {
    StartDownloadRequest body =
        ranges == null
            ? null
            : new StartDownloadRequest(
                ranges.stream()
                    .map(r -> r == null ? null : new FileView.Range(r.offset(), r.length()))
                    .toList());
    DownloadView view = transport.send("POST", path + "/start", body, DownloadView.class);
    boolean wait;
    synchronized (lock) {
      wait = blocking;
    }
    if (wait) {
      awaitOutcome(view.toStatus());
    }
  }

  /** BlockingMode: until every requested byte is in place, or the download failed or stopped. */
  private void awaitOutcome(DownloadStatus status) {
    while (status.state() == DownloadState.TRANSFERRING || status.isTransientError()) {
      try {
        Thread.sleep(BLOCKING_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FerryException(HResult.E_UNEXPECTED, "interrupted while waiting for " + id);
      }
      status = status();
    }
  }

  @Override
  public void pause() {
    transport.send("POST", path + "/pause", null, DownloadView.class);
  }

  @Override
  public void abort() {
    transport.send("POST", path + "/abort", null, DownloadView.class);
  }

  @Override
  public void finalizeDownload() {
    transport.send("POST", path + "/finalize", null, DownloadView.class);
  }

  @Override
  public DownloadStatus status() {
    return transport.get(path, DownloadView.class).toStatus();
  }

  @Override
  public Object getProperty(DownloadProperty property) {
    if (property == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a property is required");
    }
    switch (property) {
      case CALLBACK_INTERFACE -> {
        synchronized (lock) {
          if (callback == null) {
            throw new FerryException(HResult.E_NOT_SET, "no callback is registered");
          }
          return callback;
        }
      }
      case BLOCKING_MODE -> {
        synchronized (lock) {
          return blocking;
        }
      }
      case STREAM_INTERFACE ->
          throw new FerryException(HResult.E_NOT_SET, "a remote download has no stream sink");
      default -> {
        DownloadPropertyValue value =
            transport.get(path + "/properties/" + property.doName(), DownloadPropertyValue.class);
        return DownloadPropertyValue.toJava(property, value.value());
      }
    }
  }

  @Override
  public void setProperty(DownloadProperty property, Object value) {
    if (property == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a property is required");
    }
    switch (property) {
      case CALLBACK_INTERFACE, BLOCKING_MODE -> setLocal(property, value);
      case STREAM_INTERFACE -> {
        requireChangeable();
        if (value != null) {
          throw new FerryException(
              HResult.E_INVALIDARG,
              "a stream sink lives in this process and cannot be handed to ferryd; give the"
                  + " download a LocalPath, or use the embedded engine (Ferry.embedded) for sinks");
        }
      }
      default ->
          transport.send(
              "PUT",
              path + "/properties/" + property.doName(),
              DownloadPropertyValue.of(property, value),
              (Class<Void>) null);
    }
  }

  private void setLocal(DownloadProperty property, Object value) {
    Object coerced = property.type().coerce(value, property);
    requireChangeable();
    synchronized (lock) {
      if (property == DownloadProperty.BLOCKING_MODE) {
        blocking = coerced != null && (Boolean) coerced;
        return;
      }
      callback = (DownloadStatusCallback) coerced;
      if (callback != null && poller == null) {
        poller = Thread.ofVirtual().name("ferry-download-callback-" + id).start(this::poll);
        manager.downloadPollers.add(poller);
      }
    }
  }

  /** As in the engine: no property of a final download changes (DO_E_INVALID_STATE). */
  private void requireChangeable() {
    if (status().state().isFinal()) {
      throw new FerryException(
          HResult.DO_E_INVALID_STATE, "download " + id + " is final; its properties are fixed");
    }
  }

  /**
   * Calls the callback whenever the status differs from the one last reported, checking every
   * CallbackFreqSeconds (at least 100 ms), until the download is final, the callback is removed or
   * the client is closed.
   */
  private void poll() {
    DownloadStatus last = null;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        DownloadStatusCallback current;
        synchronized (lock) {
          current = callback;
          if (current == null) {
            poller = null;
            return;
          }
        }
        DownloadStatus status = status();
        if (!status.equals(last)) {
          last = status;
          try {
            current.onStatusChange(this, status);
          } catch (RuntimeException e) {
            log.warn("the status callback of download {} failed", id, e);
          }
        }
        if (status.state().isFinal()) {
          break;
        }
        Thread.sleep(interval());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (FerryException e) {
      log.debug("stopped following download {}: {}", id, e.toString());
    } finally {
      synchronized (lock) {
        if (poller == Thread.currentThread()) {
          poller = null;
        }
      }
      manager.downloadPollers.remove(Thread.currentThread());
    }
  }

  private Duration interval() {
    try {
      Object seconds = getProperty(DownloadProperty.CALLBACK_FREQ_SECONDS);
      long value = seconds instanceof Number n ? n.longValue() : 1;
      return Duration.ofMillis(Math.max(100, value * 1000));
    } catch (FerryException e) {
      return Duration.ofSeconds(1);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RemoteDownload d && d.id.equals(id) && d.manager == manager;
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Download[" + id + " via ferryd]";
  }
}
