package dev.ferry.delivery;

import dev.ferry.api.JobOwner;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.DeliveryOptimizationFile;
import dev.ferry.api.delivery.DeliveryOptimizationJob;
import dev.ferry.engine.job.EngineExtension;
import dev.ferry.engine.job.FileExtension;
import dev.ferry.engine.job.JobKernel;
import dev.ferry.engine.job.JobKind;
import dev.ferry.engine.job.JobRef;
import java.util.Optional;

/**
 * Delivery Optimization on the engine: DO downloads as a kind of job ({@link DownloadRecord}), DO's
 * settings on files ({@link DeliveryFile}), and DO's interfaces on the engine's managers
 * (IDOManager), jobs (IDeliveryOptimizationJob) and files (IDeliveryOptimizationFile).
 */
public final class DeliveryExtension implements EngineExtension {
  private final JobKernel kernel;

  public DeliveryExtension(JobKernel kernel) {
    this.kernel = kernel;
  }

  /**
   * The DO download manager acting for {@code caller}, making downloads placed as {@code
   * placement}: Ferry's own way, or Microsoft's Linux agent's.
   */
  public DeliveryManager manager(JobOwner caller, DownloadPlacement placement) {
    return new DeliveryView(kernel, caller, placement);
  }

  /** Every persisted download record is DO's: the engine has no other kind with a state. */
  @Override
  public JobKind decodeKind(String state) {
    return DownloadRecord.decode(state);
  }

  @Override
  public FileExtension decodeFile(String state) {
    return DeliveryFile.decode(state);
  }

  @Override
  public <T> Optional<T> managerInterface(JobOwner caller, Class<T> type) {
    return type == DeliveryManager.class
        ? Optional.of(type.cast(manager(caller, DownloadPlacement.STAGED)))
        : Optional.empty();
  }

  @Override
  public <T> Optional<T> jobInterface(JobRef job, JobOwner caller, Class<T> type) {
    return type == DeliveryOptimizationJob.class && job.kind().isBitsJob()
        ? Optional.of(type.cast(new DeliveryJobView(job, caller)))
        : Optional.empty();
  }

  @Override
  public <T> Optional<T> fileInterface(JobRef job, int fileIndex, JobOwner caller, Class<T> type) {
    return type == DeliveryOptimizationFile.class
        ? Optional.of(type.cast(new DeliveryFileView(job, fileIndex, caller)))
        : Optional.empty();
  }
}
