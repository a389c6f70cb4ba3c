package dev.ferry.client;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import java.nio.file.Path;

/**
 * A client process of its own: creates a job through ferryd, resumes it, prints its id and exits
 * without waiting for the transfer. Arguments: socket, remote URL, local path.
 */
public final class CreateJobMain {
  private CreateJobMain() {}

  public static void main(String[] args) {
    try (BackgroundCopyManager manager = FerryClient.connect(Path.of(args[0]))) {
      BackgroundCopyJob job = manager.createJob("created by a process that exits");
      job.addFile(args[1], args[2]);
      job.resume();
      System.out.println(job.id());
      System.out.println("state at exit: " + job.state());
    }
  }
}
