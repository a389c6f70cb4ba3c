package dev.ferry.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ArgumentRules;
import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.api.JobTimes;
import dev.ferry.api.JobType;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.client.transport.RoutePaths;
import dev.ferry.client.transport.Transport;
import dev.ferry.rest.AddFilesRequest;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobPatch;
import dev.ferry.rest.JobView;
import dev.ferry.rest.PropertyValue;
import dev.ferry.rest.Result;
import dev.ferry.rest.Routes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A job of the daemon. Every getter reads the job afresh; every mutator is one request, and fails
 * with the HRESULT the engine behind the daemon reported.
 */
final class RemoteJob implements BackgroundCopyJob {
  private final RemoteManager manager;
  private final Transport transport;
  private final UUID id;
  private final JobType type;
  private final String path;

  /**
   * The last state read, used only once the daemon has forgotten the job because it became final.
   */
  private volatile JobView lastSeen;

  RemoteJob(RemoteManager manager, UUID id, JobType type, JobView seen) {
    this.manager = manager;
    this.transport = manager.transport;
    this.id = id;
    this.type = type;
    this.path = Routes.job(id);
    // A view listed without its files knows none yet; the files arrive with the first full view.
    this.lastSeen = seen.files() == null ? seen.withFiles(List.of()) : seen;
  }

  RemoteManager manager() {
    return manager;
  }

  /** The job as the daemon reports it now; for a job that became final, its last state. */
  JobView view() {
    try {
      JobView view = transport.get(path, JobView.class);
      lastSeen = view;
      return view;
    } catch (FerryException e) {
      return finalViewOrThrow(e);
    }
  }

  /**
   * Like {@link #view} but without the files: what every getter but those of the files reads, so
   * that following a job of thousands of files does not fetch them all on each poll.
   */
  JobView summary() {
    try {
      JobView view = transport.get(path + "?" + Routes.WITHOUT_FILES, JobView.class);
      if (view.progress().filesTotal() != lastSeen.files().size()) {
        // Files were added since the last full view: fetch them once, so that the job still
        // lists them after the daemon forgets it.
        return view();
      }
      lastSeen = view.withFiles(lastSeen.files());
      return view;
    } catch (FerryException e) {
      return finalViewOrThrow(e);
    }
  }

  private JobView finalViewOrThrow(FerryException e) {
    JobView gone = finalView(e);
    if (gone != null) {
      return gone;
    }
    throw e;
  }

  private JobView finalView(FerryException e) {
    if (!e.is(HResult.BG_E_NOT_FOUND)) {
      return null;
    }
    Tombstones.Tombstone tomb = manager.tombstones.find(id);
    if (tomb == null) {
      return null;
    }
    if (tomb.view() != null) {
      return tomb.view();
    }
    JobView seen = lastSeen;
    return seen == null ? null : Views.withState(seen, tomb.state());
  }

  /** Runs a mutator; a job the daemon forgot because it is final fails as the engine's would. */
  private <T> T change(Supplier<T> call) {
    try {
      return call.get();
    } catch (FerryException e) {
      Tombstones.Tombstone tomb = e.is(HResult.BG_E_NOT_FOUND) ? manager.tombstones.find(id) : null;
      if (tomb != null) {
        throw new FerryException(HResult.BG_E_INVALID_STATE, "job " + id + " is " + tomb.state());
      }
      throw e;
    }
  }

  private void patch(JobPatch patch) {
    change(() -> transport.send("PATCH", path, patch, (Class<?>) null));
  }

  private Result action(String action) {
    return change(() ->
        transport.send("POST", RoutePaths.fill(Routes.ACTION, id, action), null, Result.class));
  }

  // --- files ---

  @Override
  public BackgroundCopyFile addFile(String remoteUrl, String localName) {
    return addFiles(List.of(new AddFilesRequest.NewFile(remoteUrl, localName, null))).get(0);
  }

  @Override
  public List<BackgroundCopyFile> addFileSet(List<FileInfo> files) {
    return addFiles(
        ArgumentRules.fileSet(files).stream()
            .map(f -> new AddFilesRequest.NewFile(f.remoteName(), f.localName(), null))
            .toList());
  }

  @Override
  public BackgroundCopyFile addFileWithRanges(
      String remoteUrl, String localName, List<FileRange> ranges) {
    // An empty list would read as "no ranges" on the wire: reject it here, as the engine does.
    List<FileView.Range> wire =
        ArgumentRules.ranges(ranges).stream().map(FileView.Range::of).toList();
    return addFiles(List.of(new AddFilesRequest.NewFile(remoteUrl, localName, wire))).get(0);
  }

  private List<BackgroundCopyFile> addFiles(List<AddFilesRequest.NewFile> files) {
    JsonNode answer =
        change(() ->
            transport.send(
                "POST",
                RoutePaths.fill(Routes.FILES, id),
                new AddFilesRequest(files),
                JsonNode.class));
    // The daemon does not publish an event for added files; the engine notifies a modification.
    manager.callbacks.locallyModified(id);
    return addedIndices(answer, files.size()).stream()
        .<BackgroundCopyFile>map(i -> new RemoteFile(this, i))
        .toList();
  }

  /** The indices of the files just added: the last {@code count} of whatever list came back. */
  private List<Integer> addedIndices(JsonNode answer, int count) {
    JsonNode list = answer == null ? null : answer.isArray() ? answer : answer.get("files");
    List<Integer> indices = new ArrayList<>();
    if (list != null && list.isArray() && list.size() >= count) {
      for (int i = list.size() - count; i < list.size(); i++) {
        indices.add(list.get(i).path("index").asInt(i));
      }
      return indices;
    }
    List<FileView> all = view().files();
    for (int i = all.size() - count; i < all.size(); i++) {
      indices.add(all.get(i).index());
    }
    return indices;
  }

  @Override
  public List<BackgroundCopyFile> files() {
    return view().files().stream()
        .<BackgroundCopyFile>map(f -> new RemoteFile(this, f.index()))
        .toList();
  }

  FileView fileView(int index) {
    return view().files().stream()
        .filter(f -> f.index() == index)
        .findFirst()
        .orElseThrow(
            () -> new FerryException(HResult.E_UNEXPECTED, "job " + id + " has no file " + index));
  }

  // --- state ---

  @Override
  public void suspend() {
    action(Routes.SUSPEND);
  }

  @Override
  public void resume() {
    action(Routes.RESUME);
  }

  @Override
  public HResult cancel() {
    JobView before = lastView();
    HResult result = action(Routes.CANCEL).toHResult();
    manager.tombstones.bury(
        id,
        JobState.CANCELLED,
        before == null ? null : Views.withState(before, JobState.CANCELLED));
    manager.callbacks.finished(id);
    return result;
  }

  @Override
  public HResult complete() {
    JobView before = lastView();
    HResult result = action(Routes.COMPLETE).toHResult();
    manager.tombstones.bury(
        id, JobState.ACKNOWLEDGED, before == null ? null : Views.acknowledged(before));
    manager.callbacks.finished(id);
    return result;
  }

  /** The state just before a final action, so the job still reads after the daemon forgets it. */
  private JobView lastView() {
    try {
      return view();
    } catch (FerryException e) {
      return null;
    }
  }

  @Override
  public UUID id() {
    return id;
  }

  @Override
  public JobType type() {
    return type;
  }

  @Override
  public JobProgress progress() {
    return Views.progress(summary());
  }

  @Override
  public JobTimes times() {
    return Views.times(summary());
  }

  @Override
  public JobState state() {
    return JobState.valueOf(summary().state());
  }

  @Override
  public Optional<BackgroundCopyError> error() {
    return Optional.ofNullable(summary().error()).map(e -> new RemoteError(this, e));
  }

  @Override
  public int errorCount() {
    return summary().errorCount();
  }

  @Override
  public JobOwner owner() {
    JobView.Owner owner = summary().owner();
    return new JobOwner(owner.uid(), owner.name());
  }

  @Override
  public void takeOwnership() {
    action(Routes.TAKE_OWNERSHIP);
  }

  // --- properties ---

  @Override
  public String displayName() {
    return summary().displayName();
  }

  @Override
  public void setDisplayName(String displayName) {
    if (displayName == null) {
      throw new FerryException(HResult.E_INVALIDARG, "the display name is required");
    }
    patch(Patches.displayName(displayName));
  }

  @Override
  public String description() {
    return summary().description();
  }

  @Override
  public void setDescription(String description) {
    if (description == null) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the description is required (use an empty string)");
    }
    patch(Patches.description(description));
  }

  @Override
  public JobPriority priority() {
    return JobPriority.valueOf(summary().priority());
  }

  @Override
  public void setPriority(JobPriority priority) {
    if (priority == null) {
      throw new FerryException(HResult.E_NOTIMPL, "a priority is required");
    }
    patch(Patches.priority(priority.name()));
  }

  @Override
  public Set<NotifyFlag> notifyFlags() {
    return NotifyFlag.fromMask(summary().notifyFlags());
  }

  @Override
  public void setNotifyFlags(Set<NotifyFlag> flags) {
    patch(Patches.notifyFlags(ArgumentRules.notifyFlags(flags)));
  }

  @Override
  public Optional<BackgroundCopyCallback> notifyInterface() {
    return manager.callbacks.callback(id);
  }

  /**
   * Keeps the callback in this process (callbacks are not persisted, as in BITS): the daemon's
   * event stream drives it. Fails like the engine for a final job.
   */
  @Override
  public void setNotifyInterface(BackgroundCopyCallback callback) {
    JobState state = JobState.valueOf(summary().state());
    if (state.isFinal()) {
      throw new FerryException(HResult.BG_E_INVALID_STATE, "job " + id + " is " + state);
    }
    manager.callbacks.register(this, callback);
  }

  @Override
  public Duration minimumRetryDelay() {
    return Duration.ofSeconds(summary().minimumRetryDelaySeconds());
  }

  @Override
  public void setMinimumRetryDelay(Duration delay) {
    patch(Patches.minimumRetryDelay(ArgumentRules.seconds(delay, "retry delay")));
  }

  @Override
  public Duration noProgressTimeout() {
    return Duration.ofSeconds(summary().noProgressTimeoutSeconds());
  }

  @Override
  public void setNoProgressTimeout(Duration timeout) {
    patch(Patches.noProgressTimeout(ArgumentRules.seconds(timeout, "no-progress timeout")));
  }

  @Override
  public ProxySettings proxySettings() {
    return Views.proxy(summary());
  }

  @Override
  public void setProxySettings(ProxySettings settings) {
    ArgumentRules.proxySettings(settings);
    patch(
        Patches.proxy(
            new JobView.Proxy(
                settings.usage().name(), settings.proxyList(), settings.bypassList())));
  }

  @Override
  public String customHeaders() {
    return summary().customHeaders();
  }

  @Override
  public void setCustomHeaders(String headers) {
    patch(Patches.customHeaders(ArgumentRules.customHeaders(headers)));
  }

  @Override
  public Optional<NotifyCmdLine> notifyCmdLine() {
    return Optional.ofNullable(summary().notifyCmdLine())
        .map(c -> new NotifyCmdLine(c.program(), c.parameters()));
  }

  @Override
  public void setNotifyCmdLine(NotifyCmdLine commandLine) {
    patch(
        Patches.notifyCmdLine(
            commandLine == null
                ? null
                : new JobView.CommandLine(commandLine.program(), commandLine.parameters())));
  }

  @Override
  public JobPropertyValue getProperty(JobPropertyId id) {
    ArgumentRules.propertyId(id);
    return transport.get(propertyPath(id), PropertyValue.class).toJobPropertyValue();
  }

  @Override
  public void setProperty(JobPropertyId id, JobPropertyValue value) {
    ArgumentRules.propertyId(id);
    ArgumentRules.propertyValue(value);
    change(() -> transport.send("PUT", propertyPath(id), PropertyValue.of(value), (Class<?>) null));
  }

  private String propertyPath(JobPropertyId id) {
    return RoutePaths.fill(Routes.JOB_PROPERTY, this.id, id.value());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteJob other && other.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "BackgroundCopyJob[" + id + " on ferryd]";
  }
}
