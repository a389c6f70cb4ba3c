package dev.ferry.engine.job;

import dev.ferry.api.JobOwner;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import java.util.List;
import java.util.Objects;

/** IDOManager for one caller of the engine. */
final class DeliveryView implements DeliveryManager {
  private final JobEngine engine;
  private final JobOwner caller;
  private final DownloadPlacement placement;

  DeliveryView(JobEngine engine, JobOwner caller, DownloadPlacement placement) {
    this.engine = engine;
    this.caller = caller;
    this.placement = Objects.requireNonNull(placement);
  }

  /** New downloads are placed as {@code placement}; every download of the caller is listed. */
  @Override
  public Download createDownload() {
    return new DownloadHandle(engine, engine.createDownload(caller, placement), caller);
  }

  @Override
  public List<Download> enumDownloads(DownloadCategory category) {
    return engine.downloads(caller).stream()
        .filter(job -> category == null || matches(job, category))
        .<Download>map(job -> new DownloadHandle(engine, job, caller))
        .toList();
  }

  private boolean matches(Job job, DownloadCategory category) {
    Object value =
        engine.locked(() ->
            switch (category.property()) {
              case ID -> job.id.toString();
              case LOCAL_PATH ->
                  job.files.isEmpty()
                      ? DownloadRecord.of(job).values.get(category.property())
                      : job.files.get(0).localPath.toString();
              case URI ->
                  job.files.isEmpty()
                      ? DownloadRecord.of(job).values.get(category.property())
                      : job.files.get(0).remoteUrl;
              default -> DownloadRecord.of(job).values.get(category.property());
            });
    return Objects.equals(value, category.value());
  }

  @Override
  public List<FileDeliveryStatus> deliveryStatus() {
    return engine.locked(() -> DeliveryStats.statusOf(engine.everything(caller)));
  }

  @Override
  public PerfSnapshot perfSnapshot() {
    return engine.locked(() -> DeliveryStats.perf(engine.everything(caller)));
  }
}
