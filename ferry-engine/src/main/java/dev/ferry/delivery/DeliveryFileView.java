package dev.ferry.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryFileProperty;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DownloadSink;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.engine.integrity.DecryptionInfo;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.job.FileView;
import dev.ferry.engine.job.JobRef;
import dev.ferry.engine.job.JobView;

/** IDeliveryOptimizationFile on one file of a job: its DO statistics and settings. */
final class DeliveryFileView implements DeliveryOptimizationFile {
  private final JobRef job;
  private final int index;
  private final JobOwner caller;

  DeliveryFileView(JobRef job, int index, JobOwner caller) {
    this.job = job;
    this.index = index;
    this.caller = caller;
  }

  @Override
  public SwarmStats getStats() {
    JobView view = job.view(caller);
    return DeliveryStats.of(view, view.files().get(index));
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
    FileView file = job.view(caller).files().get(index);
    DeliverySettings d = DeliveryFile.settingsOf(file);
    Object value =
        switch (property) {
          case INTEGRITY_CHECK_MANDATORY -> d.integrityCheckMandatory();
          case DOWNLOAD_SINK_INTERFACE -> DeliveryFile.sinkOf(file);
          case DOWNLOAD_SINK_FILE_PATH ->
              d.sinkUnset() || d.sink() ? null : file.localPath().toString();
          case TOTAL_SIZE_BYTES ->
              d.totalSizeBytes() != null
                  ? d.totalSizeBytes()
                  : (file.remoteSize() >= 0 ? file.remoteSize() : null);
          default -> null;
        };
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
          DecryptionInfo.parse((String) v);
        }
      }
      case INTEGRITY_CHECK_INFO -> {
        if (v != null) {
          IntegrityCheckInfo.parse((String) v);
        }
      }
      default -> {}
    }
    DoErrors.run(() -> {
      job.checkMutable(caller);
      FileView file = job.view(caller).files().get(index);
      JobState state = job.view().state();
      if (state != JobState.SUSPENDED || file.bytesTransferred() > 0 || file.transferred()) {
        throw new FerryException(
            HResult.DO_E_INVALID_STATE,
            "file properties change only while the job is suspended and the file has not started");
      }
      DeliveryFile current = DeliveryFile.of(file);
      DeliverySettings d = DeliveryFile.settingsOf(file);
      DownloadSink sink = current == null ? null : current.sink();
      switch (property) {
        case DECRYPTION_INFO -> save(current, d.withDecryption((String) v));
        case INTEGRITY_CHECK_INFO ->
            save(current, d.withIntegrity((String) v, d.integrityCheckMandatory(), null));
        case INTEGRITY_CHECK_MANDATORY ->
            save(current, d.withIntegrity(d.integrityCheckInfo(), (Boolean) v, d.pieceHashes()));
        case TOTAL_SIZE_BYTES -> save(current, d.withTotalSize((Long) v));
        case DOWNLOAD_SINK_FILE_PATH -> {
          if (v == null) {
            throw new FerryException(HResult.E_INVALIDARG, "a sink path is required");
          }
          if (sink != null) {
            throw new FerryException(
                HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET,
                "the file already has a sink interface");
          }
          job.relocate(
              caller, index, (String) v, DeliveryFile.with(d.withSink(false, false), null));
        }
        case DOWNLOAD_SINK_INTERFACE -> {
          if (v != null && !d.sinkUnset() && !d.sink()) {
            throw new FerryException(
                HResult.DO_E_FILE_DOWNLOADSINK_ALREADY_SET, "the file already has a sink path");
          }
          job.relocateToSink(
              caller, index, DeliveryFile.with(d.withSink(v == null, v != null), (DownloadSink) v));
        }
        default -> throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, property.name());
      }
    });
  }

  /** A file added the BITS way has no DO side until a DO setting is made: it gets one then. */
  private void save(DeliveryFile current, DeliverySettings updated) {
    if (current != null) {
      current.settings(updated);
      job.saveFile(index);
    } else {
      job.replaceExtension(index, new DeliveryFile(updated));
    }
  }
}
