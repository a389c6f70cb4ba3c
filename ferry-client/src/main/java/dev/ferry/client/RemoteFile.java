package dev.ferry.client;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.FileProgress;
import dev.ferry.api.FilePropertyId;
import dev.ferry.api.FileRange;
import dev.ferry.client.transport.RoutePaths;
import dev.ferry.rest.FileView;
import dev.ferry.rest.PropertyValue;
import dev.ferry.rest.RemoteNameRequest;
import dev.ferry.rest.Routes;
import java.util.List;

/** A file of a daemon job, named by its position; every getter reads the job afresh. */
final class RemoteFile implements BackgroundCopyFile {
  private final RemoteJob job;
  private final int index;

  RemoteFile(RemoteJob job, int index) {
    this.job = job;
    this.index = index;
  }

  private FileView view() {
    return job.fileView(index);
  }

  @Override
  public String remoteName() {
    return view().remoteName();
  }

  @Override
  public String localName() {
    return view().localName();
  }

  @Override
  public FileProgress progress() {
    FileView view = view();
    return new FileProgress(view.bytesTotal(), view.bytesTransferred(), view.completed());
  }

  @Override
  public List<FileRange> fileRanges() {
    List<FileView.Range> ranges = view().ranges();
    return ranges == null ? List.of() : ranges.stream().map(FileView.Range::toFileRange).toList();
  }

  @Override
  public void setRemoteName(String remoteUrl) {
    job.manager()
        .transport
        .send(
            "PUT",
            RoutePaths.fill(Routes.FILE_REMOTE_NAME, job.id(), index),
            new RemoteNameRequest(remoteUrl),
            (Class<?>) null);
    // No event announces it; the engine reports it as a modification.
    job.manager().callbacks.locallyModified(job.id());
  }

  @Override
  public String temporaryName() {
    return view().temporaryName();
  }

  @Override
  public String getProperty(FilePropertyId id) {
    ArgumentRules.propertyId(id);
    PropertyValue value =
        job.manager()
            .transport
            .get(
                RoutePaths.fill(Routes.FILE_PROPERTY, job.id(), index, id.value()),
                PropertyValue.class);
    return value == null || value.value() == null ? "" : value.value();
  }

  /** Every file property is read-only, so this never needs the daemon. */
  @Override
  public void setProperty(FilePropertyId id, String value) {
    ArgumentRules.setFileProperty(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteFile other && other.job.equals(job) && other.index == index;
  }

  @Override
  public int hashCode() {
    return job.hashCode() * 31 + index;
  }

  @Override
  public String toString() {
    return "BackgroundCopyFile[" + index + " of job " + job.id() + "]";
  }
}
