package dev.ferry.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * IBackgroundCopyJob with the extensions of Job2–Job5 that Ferry implements: file ranges
 * (Job3::AddFileWithRanges), custom HTTP headers (JobHttpOptions) and job properties
 * (Job5::GetProperty/SetProperty).
 *
 * <p>Every mutator fails with BG_E_INVALID_STATE once the job is ACKNOWLEDGED or CANCELLED, and is
 * durable before it returns. Reads are live.
 */
public interface BackgroundCopyJob {
  // --- files --------------------------------------------------------------------------------

  /**
   * AddFile. Files transfer one after another in the order they were added.
   *
   * @param remoteUrl an http, https or file URL, at most 2,200 characters
   * @param localName an absolute path in an existing directory the caller may write
   * @throws FerryException E_INVALIDARG (bad or unsupported URL, relative path, missing directory),
   *     E_ACCESSDENIED (directory not writable), BG_E_TOO_MANY_FILES_IN_JOB, BG_E_INVALID_STATE
   */
  BackgroundCopyFile addFile(String remoteUrl, String localName);

  /** AddFileSet: adds every file, or none when any of them is rejected. */
  List<BackgroundCopyFile> addFileSet(List<FileInfo> files);

  /**
   * AddFileWithRanges: downloads only these ranges of the remote file, written back to back into
   * the local file in the order given.
   *
   * @throws FerryException E_INVALIDARG (no ranges), BG_E_INVALID_RANGE, BG_E_OVERLAPPING_RANGES,
   *     BG_E_TOO_MANY_RANGES_IN_FILE, and the errors of {@link #addFile}
   */
  BackgroundCopyFile addFileWithRanges(String remoteUrl, String localName, List<FileRange> ranges);

  /** EnumFiles: the job's files, in order. */
  List<BackgroundCopyFile> files();

  // --- state --------------------------------------------------------------------------------

  /** Suspend: any non-final state → SUSPENDED. */
  void suspend();

  /**
   * Resume: SUSPENDED, ERROR, TRANSIENT_ERROR or TRANSFERRED → QUEUED (no change from an action
   * state).
   *
   * @throws FerryException BG_E_EMPTY when the job has no file, BG_E_INVALID_STATE when final
   */
  void resume();

  /**
   * Cancel: → CANCELLED, deleting every file the job wrote.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#BG_S_UNABLE_TO_DELETE_FILES}
   */
  HResult cancel();

  /**
   * Complete: renames every fully transferred file into place, deletes the partial ones, and moves
   * the job to ACKNOWLEDGED. When a rename fails the job stays TRANSFERRED and this throws the
   * rename's error; call Complete again once the cause is fixed.
   *
   * @return {@link HResult#S_OK}, {@link HResult#BG_S_PARTIAL_COMPLETE} or {@link
   *     HResult#BG_S_UNABLE_TO_DELETE_FILES}
   */
  HResult complete();

  UUID id();

  JobType type();

  JobProgress progress();

  JobTimes times();

  JobState state();

  /**
   * GetError: the job's error, which exists only in ERROR and TRANSIENT_ERROR. Empty where BITS
   * returns BG_E_ERROR_INFORMATION_UNAVAILABLE.
   */
  Optional<BackgroundCopyError> error();

  /** GetErrorCount: never reset. */
  int errorCount();

  JobOwner owner();

  /**
   * TakeOwnership: the caller becomes the owner. Administrators only (else E_ACCESSDENIED). Strips
   * the job's custom headers.
   */
  void takeOwnership();

  // --- properties ---------------------------------------------------------------------------

  String displayName();

  /** At most 256 characters (BG_E_STRING_TOO_LONG); E_INVALIDARG for null. */
  void setDisplayName(String displayName);

  String description();

  /** At most 1,024 characters (BG_E_STRING_TOO_LONG); E_INVALIDARG for null. */
  void setDescription(String description);

  JobPriority priority();

  void setPriority(JobPriority priority);

  Set<NotifyFlag> notifyFlags();

  void setNotifyFlags(Set<NotifyFlag> flags);

  /** GetNotifyInterface: the callback, which lives only as long as this process. */
  Optional<BackgroundCopyCallback> notifyInterface();

  /**
   * SetNotifyInterface: null removes the callback. The last caller wins. Callbacks are not
   * persisted; register again after a restart (a transferred or errored job notifies again).
   */
  void setNotifyInterface(BackgroundCopyCallback callback);

  Duration minimumRetryDelay();

  /** Default 600 s; values under 5 s are raised to 5 s. */
  void setMinimumRetryDelay(Duration delay);

  Duration noProgressTimeout();

  /**
   * Default 14 days. The timer starts at the first transient error and restarts with progress; when
   * it elapses the job goes from TRANSIENT_ERROR to ERROR. Zero makes every error final.
   */
  void setNoProgressTimeout(Duration timeout);

  ProxySettings proxySettings();

  /**
   * SetProxySettings.
   *
   * @throws FerryException E_INVALIDARG (lists given without OVERRIDE, or OVERRIDE without a proxy
   *     list), BG_E_PROXY_LIST_TOO_LARGE, BG_E_PROXY_BYPASS_LIST_TOO_LARGE
   */
  void setProxySettings(ProxySettings settings);

  /** The custom request headers, CRLF-separated; null when none are set. */
  String customHeaders();

  /** SetCustomHeaders: {@code Name: value} lines separated by CRLF; null clears them. */
  void setCustomHeaders(String headers);

  /** Job2::GetNotifyCmdLine. */
  Optional<NotifyCmdLine> notifyCmdLine();

  /**
   * Job2::SetNotifyCmdLine: the program to run when the job is transferred or fails, if no callback
   * takes the notification; null clears it. Stripped by {@link #takeOwnership()}.
   */
  void setNotifyCmdLine(NotifyCmdLine commandLine);

  /** Job5::GetProperty. */
  JobPropertyValue getProperty(JobPropertyId id);

  /**
   * Job5::SetProperty.
   *
   * @throws FerryException E_INVALIDARG (wrong value type), BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE,
   *     BG_E_READ_ONLY_PROPERTY_AFTER_RESUME, BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY,
   *     BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE, BG_E_UNSUPPORTED_JOB_CONFIGURATION
   */
  void setProperty(JobPropertyId id, JobPropertyValue value);

  /**
   * COM's QueryInterface: another interface on the same job, such as Delivery Optimization's
   * ({@code dev.ferry.api.delivery}); empty when the job offers none of that type.
   */
  default <T> java.util.Optional<T> queryInterface(Class<T> type) {
    return type.isInstance(this)
        ? java.util.Optional.of(type.cast(this))
        : java.util.Optional.empty();
  }
}
