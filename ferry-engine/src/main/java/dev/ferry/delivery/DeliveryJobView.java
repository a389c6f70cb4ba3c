package dev.ferry.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.delivery.DeliveryJobProperty;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DeliveryOptimizationJob;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.engine.job.JobFailure;
import dev.ferry.engine.job.JobRef;
import dev.ferry.engine.job.JobView;
import java.util.List;

/** IDeliveryOptimizationJob on a BITS job: files added by DO's file id, with ranges or a sink. */
final class DeliveryJobView implements DeliveryOptimizationJob {
  private final JobRef job;
  private final JobOwner caller;

  DeliveryJobView(JobRef job, JobOwner caller) {
    this.job = job;
    this.caller = caller;
  }

  @Override
  public DeliveryOptimizationFile addFileWithRanges(
      String fileId,
      String remoteUrl,
      String localName,
      List<DownloadRange> ranges,
      long fileSize) {
    if (localName == null || localName.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "a local name is required");
    }
    return addDeliveryFile(fileId, remoteUrl, localName, ranges, fileSize);
  }

  @Override
  public DeliveryOptimizationFile addFile(
      String fileId, String remoteUrl, List<DownloadRange> ranges) {
    return addDeliveryFile(fileId, remoteUrl, null, ranges, UNKNOWN_FILE_SIZE);
  }

  private DeliveryOptimizationFile addDeliveryFile(
      String fileId,
      String remoteUrl,
      String localName,
      List<DownloadRange> ranges,
      long fileSize) {
    if (fileId == null || fileId.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "a file id is required");
    }
    if (fileSize < UNKNOWN_FILE_SIZE) {
      throw new FerryException(HResult.E_INVALIDARG, "the file size " + fileSize + " is negative");
    }
    List<DownloadRange> checked =
        ranges == null || ranges.isEmpty() ? null : DownloadRange.checked(ranges);
    if (checked != null && fileSize >= 0) {
      for (DownloadRange range : checked) {
        if (range.offset() >= fileSize
            || (!range.toEndOfFile() && range.offset() + range.length() > fileSize)) {
          throw new FerryException(
              HResult.DO_E_INVALID_RANGE,
              "range " + range + " lies outside the " + fileSize + "-byte file");
        }
      }
    }
    boolean unnamed = localName == null;
    DeliverySettings delivery =
        new DeliverySettings(
            fileId, true, unnamed, false, null, null, null, null, fileSize >= 0 ? fileSize : null);
    List<FileRange> fileRanges =
        checked == null ? null : checked.stream().map(DownloadRange::toFileRange).toList();
    int index =
        DoErrors.run(() -> {
          // A file without a name waits in its staging file until a sink path or interface is set.
          String target =
              unnamed ? job.sinkPath(job.view(caller).files().size()).toString() : localName;
          return job.addFiles(
                  caller,
                  List.of(
                      new JobRef.NewFile(
                          remoteUrl, target, fileRanges, new DeliveryFile(delivery))))
              .get(0);
        });
    return new DeliveryFileView(job, index, caller);
  }

  @Override
  public String getProperty(DeliveryJobProperty property) {
    if (property != DeliveryJobProperty.EXTENDED_ERROR_INFO) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no DO job property " + property);
    }
    JobView view = job.view(caller);
    var json = DeliveryJson.MAPPER.createObjectNode();
    JobFailure failure = view.failure().orElse(null);
    if (failure == null) {
      json.put("HResult", 0);
    } else {
      json.put("HResult", failure.code());
      json.put("HResultName", HResult.nameOf(failure.code()));
      json.put("Context", failure.context().name());
      json.put("FileIndex", failure.fileIndex());
      json.put("Message", failure.message());
      json.put("ErrorCount", view.errorCount());
    }
    return json.toString();
  }

  @Override
  public void setProperty(DeliveryJobProperty property, Object value) {
    if (property == DeliveryJobProperty.EXTENDED_ERROR_INFO) {
      throw new FerryException(HResult.DO_E_READ_ONLY_PROPERTY, "ExtendedErrorInfo is read-only");
    }
    throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, "no DO job property " + property);
  }
}
