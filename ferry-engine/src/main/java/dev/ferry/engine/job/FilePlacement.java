package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.transfer.OwnerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's bytes live on disk and how they get to their names: a hidden temporary file beside
 * each destination (or the destination itself for jobs that write in place), renamed into place by
 * Complete and deleted by Cancel; staging files in the data directory for sinks. A root engine
 * acting for other users does all of it as the job's owner could ({@link OwnerFiles}).
 */
final class FilePlacement {
  private static final Logger log = LoggerFactory.getLogger(FilePlacement.class);

  private final EngineConfig config;
  private final Path dataDir;

  FilePlacement(EngineConfig config, Path dataDir) {
    this.config = config;
    this.dataDir = dataDir;
  }

  /** The owner to act for when this engine works as root for other users, else null. */
  JobOwner actingFor(Job job) {
    return config.actForOwners() && OwnerFiles.actsFor(job.owner) ? job.owner : null;
  }

  void moveIntoPlace(Job job, JobFile file) throws IOException {
    JobOwner owner = actingFor(job);
    if (owner != null) {
      OwnerFiles.move(file.tempPath, file.localPath, owner);
      return;
    }
    Files.move(
        file.tempPath,
        file.localPath,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Deletes what the job wrote and did not hand over: every temporary file, and for a
   * high-performance job the destination files it wrote directly (unless completed).
   */
  boolean deleteWrittenFiles(Job job, boolean keepCompleted) {
    boolean all = true;
    for (JobFile file : job.files) {
      Path written = job.writtenPath(file);
      if (keepCompleted && file.state.isCompleted()) {
        // In place: a high-performance job's file stays; anyone else's temporary file was
        // renamed, and nothing is left to delete.
        continue;
      }
      all &= deleteQuietly(job, written);
    }
    return all;
  }

  /**
   * Deletes one file the job wrote, as its owner where this engine acts for others; false (and a
   * warning) when it could not.
   */
  boolean deleteQuietly(Job job, Path file) {
    try {
      JobOwner owner = actingFor(job);
      if (owner != null) {
        OwnerFiles.delete(file, owner);
      } else {
        Files.deleteIfExists(file);
      }
      return true;
    } catch (IOException e) {
      log.atWarn().addKeyValue("job", job.id).setCause(e).log("could not delete {}", file);
      return false;
    }
  }

  /** Where a file whose bytes go to a sink is staged: the owner's corner of the data directory. */
  Path sinkPath(Job job, int index) {
    Path dir = dataDir.resolve("sinks").resolve(Long.toString(job.owner.uid()));
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      throw new FerryException(
          HResult.ERROR_WRITE_FAULT, "cannot prepare the sink directory " + dir + ": " + e);
    }
    return dir.resolve(job.id + "-" + index + ".data");
  }
}
