package dev.ferry.engine.job;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileProgress;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryFileProperty;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.SwarmStats;
import java.util.List;

/** A caller's view of one file of a job. */
final class FileHandle implements BackgroundCopyFile, DeliveryOptimizationFile {
  private final JobEngine engine;
  private final Job job;
  private final JobFile file;
  private final JobOwner caller;

  FileHandle(JobEngine engine, Job job, JobFile file, JobOwner caller) {
    this.engine = engine;
    this.job = job;
    this.file = file;
    this.caller = caller;
  }

  // --- Delivery Optimization (IDeliveryOptimizationFile / File2) ---

  @Override
  public SwarmStats getStats() {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return DeliveryStats.of(job, file);
    });
  }

  @Override
  public Object getProperty(DeliveryFileProperty property) {
    if (property == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no property given");
    }
    property.downloadProperty(); // the deprecated memory stream is unknown
    if (!property.access().readable()) {
      throw new FerryException(HResult.DO_E_WRITE_ONLY_PROPERTY, property + " is write-only");
    }
    Object value =
        engine.locked(() -> {
          engine.checkReadable(caller, job);
          DeliverySettings d = DeliveryFile.settingsOf(file);
          return switch (property) {
            case INTEGRITY_CHECK_MANDATORY -> d.integrityCheckMandatory();
            case DOWNLOAD_SINK_INTERFACE -> DeliveryFile.sinkOf(file);
            case DOWNLOAD_SINK_FILE_PATH ->
                d.sinkUnset() || d.sink() ? null : file.localPath.toString();
            case TOTAL_SIZE_BYTES ->
                d.totalSizeBytes() != null
                    ? d.totalSizeBytes()
                    : (file.state.remoteSize() >= 0 ? file.state.remoteSize() : null);
            default -> null;
          };
        });
    if (value == null) {
      throw new FerryException(HResult.E_NOT_SET, property + " has not been set");
    }
    return value;
  }

  @Override
  public void setProperty(DeliveryFileProperty property, Object value) {
    if (property == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no property given");
    }
    property.downloadProperty();
    Object v = property.type().coerce(value, property.name());
    switch (property) {
      case DECRYPTION_INFO -> {
        if (v != null) {
          dev.ferry.engine.integrity.DecryptionInfo.parse((String) v);
        }
      }
      case INTEGRITY_CHECK_INFO -> {
        if (v != null) {
          dev.ferry.engine.integrity.IntegrityCheckInfo.parse((String) v);
        }
      }
      default -> {}
    }
    DoErrors.run(() -> {
      engine.lock.lock();
      try {
        engine.checkMutable(caller, job);
        if (job.state != JobState.SUSPENDED
            || file.state.bytesTransferred() > 0
            || file.state.isTransferred()) {
          throw new FerryException(
              HResult.DO_E_INVALID_STATE,
              "file properties change only while the job is suspended and the file has not started");
        }
      } finally {
        engine.lock.unlock();
      }
      DeliverySettings d = engine.locked(() -> DeliveryFile.settingsOf(file));
      switch (property) {
        case DECRYPTION_INFO -> save(d.withDecryption((String) v));
        case INTEGRITY_CHECK_INFO ->
            save(d.withIntegrity((String) v, d.integrityCheckMandatory(), null));
        case INTEGRITY_CHECK_MANDATORY ->
            save(d.withIntegrity(d.integrityCheckInfo(), (Boolean) v, d.pieceHashes()));
        case TOTAL_SIZE_BYTES -> save(d.withTotalSize((Long) v));
        case DOWNLOAD_SINK_FILE_PATH -> {
          if (v == null) {
            throw new FerryException(HResult.E_INVALIDARG, "a sink path is required");
          }
          if (DeliveryFile.sinkOf(file) != null) {
            throw new FerryException(
                HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET,
                "the file already has a sink interface");
          }
          java.nio.file.Path local = Validation.localPath((String) v, engine.config);
          engine.relocate(caller, job, file, local, delivery(d.withSink(false, false), null));
        }
        case DOWNLOAD_SINK_INTERFACE -> {
          if (v != null && !d.sinkUnset() && !d.sink()) {
            throw new FerryException(
                HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET, "the file already has a sink path");
          }
          engine.relocate(
              caller,
              job,
              file,
              engine.placement.sinkPath(job, file.index),
              delivery(d.withSink(v == null, v != null), (DownloadSink) v));
        }
        default -> throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, property.name());
      }
    });
  }

  private void save(DeliverySettings updated) {
    engine.lock.lock();
    try {
      DeliveryFile current = DeliveryFile.of(file);
      file.extension = delivery(updated, current == null ? null : current.sink());
    } finally {
      engine.lock.unlock();
    }
    engine.saveDelivery(job, file);
  }

  private static DeliveryFile delivery(DeliverySettings settings, DownloadSink sink) {
    DeliveryFile delivery = new DeliveryFile(settings);
    delivery.sink(sink);
    return delivery;
  }

  @Override
  public String remoteName() {
    return engine.locked(() -> {
      engine.checkReadable(caller, job);
      return file.remoteUrl;
    });
  }

  @Override
  public String localName() {
    return file.localPath.toString();
  }

  @Override
  public FileProgress progress() {
    return new FileProgress(
        file.state.bytesTotal(), file.state.bytesTransferred(), file.state.isCompleted());
  }

  @Override
  public List<FileRange> fileRanges() {
    return file.state.ranges();
  }

  @Override
  public void setRemoteName(String remoteUrl) {
    engine.setRemoteName(caller, job, file, remoteUrl);
  }

  @Override
  public String temporaryName() {
    return job.writtenPath(file).toString();
  }

  @Override
  public String getProperty(FilePropertyId id) {
    ArgumentRules.propertyId(id);
    engine.locked(() -> {
      engine.checkReadable(caller, job);
      return null;
    });
    return switch (id) {
      case HTTP_RESPONSE_HEADERS -> file.state.responseHeaders();
    };
  }

  @Override
  public void setProperty(FilePropertyId id, String value) {
    ArgumentRules.setFileProperty(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileHandle other && other.file == file;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(file);
  }

  @Override
  public String toString() {
    return "BackgroundCopyFile[" + file.remoteUrl + " -> " + file.localPath + "]";
  }
}
