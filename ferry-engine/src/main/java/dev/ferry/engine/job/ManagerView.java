package dev.ferry.engine.job;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobType;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The manager a caller uses; when it owns the engine (embedded use), closing it closes the engine.
 */
final class ManagerView implements BackgroundCopyManager {
  private final JobEngine engine;
  private final JobOwner caller;
  private final boolean ownsEngine;

  ManagerView(JobEngine engine, JobOwner caller, boolean ownsEngine) {
    this.engine = engine;
    this.caller = caller;
    this.ownsEngine = ownsEngine;
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

  /** The extensions' interfaces on the manager: DO's IDOManager. */
  @Override
  public <T> java.util.Optional<T> queryInterface(Class<T> type) {
    java.util.Optional<T> own = BackgroundCopyManager.super.queryInterface(type);
    return own.isPresent() ? own : engine.extensions.managerInterface(caller, type);
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
