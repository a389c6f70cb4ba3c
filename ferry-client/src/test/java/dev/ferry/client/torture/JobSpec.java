package dev.ferry.client.torture;

import dev.ferry.api.JobPriority;
import java.nio.file.Path;
import java.util.List;

/** A planned job: its unique display name (how a job whose create went unanswered is found). */
record JobSpec(String name, JobPriority priority, Path dir, List<FileSpec> files) {
  long bytes() {
    return files.stream().mapToLong(FileSpec::expectedSize).sum();
  }

  @Override
  public String toString() {
    return name + " " + priority + " " + files;
  }
}
