package dev.ferry.delivery;

import dev.ferry.api.JobOwner;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import dev.ferry.engine.job.JobKernel;
import dev.ferry.engine.job.JobRef;
import dev.ferry.engine.job.JobView;
import java.util.List;
import java.util.Objects;

/** IDOManager for one caller of the engine. */
final class DeliveryView implements DeliveryManager {
  private final JobKernel kernel;
  private final JobOwner caller;
  private final DownloadPlacement placement;

  DeliveryView(JobKernel kernel, JobOwner caller, DownloadPlacement placement) {
    this.kernel = kernel;
    this.caller = caller;
    this.placement = Objects.requireNonNull(placement);
  }

  /** New downloads are placed as {@code placement}; every download of the caller is listed. */
  @Override
  public Download createDownload() {
    JobRef job =
        kernel.create(
            caller,
            "",
            new DownloadRecord(placement),
            settings -> {
              settings.minRetryDelaySeconds(kernel.config().downloadRetryDelay().toSeconds());
              settings.noProgressTimeoutSeconds(DownloadHandle.BACKGROUND_NO_PROGRESS_SECONDS);
            });
    return new DownloadHandle(job, kernel, caller);
  }

  @Override
  public List<Download> enumDownloads(DownloadCategory category) {
    return kernel.jobs(caller, DownloadRecord::isDownload).stream()
        .filter(job -> category == null || matches(job.view(), category))
        .<Download>map(job -> new DownloadHandle(job, kernel, caller))
        .toList();
  }

  private static boolean matches(JobView job, DownloadCategory category) {
    DownloadRecord record = (DownloadRecord) job.kind();
    Object value =
        switch (category.property()) {
          case ID -> job.id().toString();
          case LOCAL_PATH ->
              job.files().isEmpty()
                  ? record.get(category.property())
                  : job.files().get(0).localPath().toString();
          case URI ->
              job.files().isEmpty()
                  ? record.get(category.property())
                  : job.files().get(0).remoteUrl();
          default -> record.get(category.property());
        };
    return Objects.equals(value, category.value());
  }

  @Override
  public List<FileDeliveryStatus> deliveryStatus() {
    return DeliveryStats.statusOf(views());
  }

  @Override
  public PerfSnapshot perfSnapshot() {
    return DeliveryStats.perf(views());
  }

  /** Every job and download of the caller that is not final. */
  private List<JobView> views() {
    return kernel.jobs(caller, kind -> true).stream().map(JobRef::view).toList();
  }
}
