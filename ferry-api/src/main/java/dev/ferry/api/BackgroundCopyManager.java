package dev.ferry.api;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * IBackgroundCopyManager: creates jobs and finds them again. A manager acts for one caller; it sees
 * and changes only that caller's jobs unless the caller is an administrator.
 */
public interface BackgroundCopyManager extends AutoCloseable {
  /**
   * CreateJob. The new job is SUSPENDED: add files, set properties, then {@link
   * BackgroundCopyJob#resume()}.
   *
   * @throws FerryException E_INVALIDARG (null or over-long name), E_NOTIMPL (a job type Ferry
   *     cannot transfer yet), BG_E_TOO_MANY_JOBS_PER_USER, BG_E_TOO_MANY_JOBS_PER_MACHINE
   */
  BackgroundCopyJob createJob(String displayName, JobType type);

  /** CreateJob for a download job. */
  default BackgroundCopyJob createJob(String displayName) {
    return createJob(displayName, JobType.DOWNLOAD);
  }

  /**
   * GetJob.
   *
   * @throws FerryException BG_E_NOT_FOUND when no such job exists, or when it belongs to another
   *     user and the caller is not an administrator (so its existence does not leak)
   */
  BackgroundCopyJob getJob(UUID jobId);

  /**
   * EnumJobs: a snapshot of which jobs exist now; each job's properties are read live. Jobs in a
   * final state are never listed.
   *
   * @param allUsers BG_JOB_ENUM_ALL_USERS; E_ACCESSDENIED unless the caller is an administrator
   */
  List<BackgroundCopyJob> enumJobs(boolean allUsers);

  /** The caller's own jobs. */
  default List<BackgroundCopyJob> enumJobs() {
    return enumJobs(false);
  }

  /**
   * GetErrorDescription: a readable description of any HRESULT.
   *
   * @throws FerryException ERROR_RESOURCE_LANG_NOT_FOUND when there is no text in that language
   */
  String getErrorDescription(int hresult, Locale locale);

  /** The identity this manager acts for. */
  JobOwner caller();

  /** Releases this manager; jobs go on where the engine outlives it. */
  @Override
  void close();

  /**
   * COM's QueryInterface: another interface on the same manager, such as Delivery Optimization's
   * ({@code dev.ferry.api.delivery}); empty when the manager offers none of that type.
   */
  default <T> java.util.Optional<T> queryInterface(Class<T> type) {
    return type.isInstance(this)
        ? java.util.Optional.of(type.cast(this))
        : java.util.Optional.empty();
  }
}
