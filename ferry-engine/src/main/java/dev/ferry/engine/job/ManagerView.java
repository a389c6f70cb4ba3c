package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobType;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The manager a caller uses; when it owns the engine (embedded use), closing it closes the engine.
 */
final class ManagerView implements BackgroundCopyManager, DeliveryManager {
  private final JobEngine engine;
  private final JobOwner caller;
  private final boolean ownsEngine;
  private final DeliveryView delivery;

  ManagerView(JobEngine engine, JobOwner caller, boolean ownsEngine) {
    this.engine = engine;
    this.caller = caller;
    this.ownsEngine = ownsEngine;
    this.delivery = new DeliveryView(engine, caller, DownloadPlacement.STAGED);
  }

  @Override
  public Download createDownload() {
    return delivery.createDownload();
  }

  @Override
  public List<Download> enumDownloads(DownloadCategory category) {
    return delivery.enumDownloads(category);
  }

  @Override
  public List<FileDeliveryStatus> deliveryStatus() {
    return delivery.deliveryStatus();
  }

  @Override
  public PerfSnapshot perfSnapshot() {
    return delivery.perfSnapshot();
  }

  static BackgroundCopyManager owning(JobEngine engine, JobOwner caller) {
    return new ManagerView(engine, caller, true);
  }

  @Override
  public BackgroundCopyJob createJob(String displayName, JobType type) {
    return new JobHandle(engine, engine.create(caller, displayName, type), caller);
  }

  @Override
  public BackgroundCopyJob getJob(UUID jobId) {
    if (jobId == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a job id is required");
    }
    return new JobHandle(engine, engine.find(caller, jobId), caller);
  }

  @Override
  public List<BackgroundCopyJob> enumJobs(boolean allUsers) {
    return engine.list(caller, allUsers).stream()
        .<BackgroundCopyJob>map(job -> new JobHandle(engine, job, caller))
        .toList();
  }

  @Override
  public String getErrorDescription(int hresult, Locale locale) {
    return Descriptions.describe(hresult, locale);
  }

  @Override
  public JobOwner caller() {
    return caller;
  }

  @Override
  public void close() {
    if (ownsEngine) {
      engine.close();
    }
  }
}
