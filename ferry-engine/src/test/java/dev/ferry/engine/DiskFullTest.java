package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static dev.ferry.engine.EngineFixture.sha256;
import static dev.ferry.engine.ResumeTest.assertIsPrefixOf;
import static dev.ferry.engine.ResumeTest.expectError;
import static dev.ferry.engine.ResumeTest.openRangeStart;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination on a file system that fills up: the job goes to TRANSIENT_ERROR with
 * ERROR_DISK_FULL in the LOCAL_FILE context (as BITS reports it), nothing written is wrong, and the
 * job finishes to the exact file once there is room again, by resume() or by its own retry.
 *
 * <p>The small file system is a size-limited tmpfs, which only root can mount; anyone else skips
 * these tests. The engine's data directory stays on the ordinary temporary directory, so only the
 * downloads run out of space.
 */
class DiskFullTest {
  private static final int MIB = 1 << 20;
  private static final String SIZE_LIMIT = "8m";
  private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(30);

  @TempDir Path tmp;
  Path small;
  boolean mounted;
  EngineFixture fx;

  @BeforeEach
  void mountASmallFileSystem() throws Exception {
    long uid = currentUid();
    assumeTrue(
        uid == 0,
        "DiskFullTest needs root to mount a size-limited tmpfs (running as uid "
            + uid
            + "); skipped");
    small = Files.createDirectory(tmp.resolve("small"));
    Command mount =
        run(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + SIZE_LIMIT,
            "ferry-disk-full",
            small.toString());
    assumeTrue(
        mount.ok(),
        "root, but no tmpfs could be mounted here (" + mount.output().strip() + "); skipped");
    mounted = true;
    fx = new EngineFixture(tmp.resolve("engine"));
  }

  @AfterEach
  void unmount() throws Exception {
    try {
      if (fx != null) {
        fx.close();
      }
    } finally {
      if (mounted) {
        Command umount = run("umount", small.toString());
        if (!umount.ok()) {
          // Something still holds a file open there; detach it rather than leak the mount.
          Command lazy = run("umount", "-l", small.toString());
          assertThat(lazy.ok()).as("umount -l: %s / %s", umount.output(), lazy.output()).isTrue();
        }
      }
    }
  }

  @Test
  void aFullDiskIsATransientLocalFileErrorAndTheJobFinishesOnceSpaceIsFreed() throws Exception {
    Content filler = Content.random(5L * MIB, 701);
    Path fillerFile = Files.write(small.resolve("filler.bin"), filler.bytes());
    Content content = Content.random(6L * MIB, 702);
    fx.origin.put("/big.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("disk full");
    Path target = small.resolve("big.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/big.bin"), target.toString());

    job.resume();
    BackgroundCopyError error =
        expectError(
            job,
            JobState.TRANSIENT_ERROR,
            HResult.ERROR_DISK_FULL.value(),
            ErrorContext.LOCAL_FILE);
    assertThat(error.code()).isEqualTo(0x80070070);
    assertThat(error.file()).contains(file);
    assertThat(error.protocol()).as("a local failure is no protocol's").isEmpty();
    Path temp = Path.of(file.temporaryName());
    assertIsPrefixOf(temp, content);
    assertThat(target).doesNotExist();
    assertThat(sha256(fillerFile)).as("the other file on the disk").isEqualTo(filler.sha256());
    long received = file.progress().bytesTransferred();
    assertThat(received).isPositive().isLessThan(content.size());

    Files.delete(fillerFile);
    job.resume();
    awaitState(job, JobState.TRANSFERRED);

    List<RecordedRequest> requests = fx.origin.requests("/big.bin");
    assertThat(openRangeStart(requests.get(requests.size() - 1)))
        .as("what was written before the disk filled up is kept")
        .isEqualTo(received);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(temp).doesNotExist();
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void aFullDiskIsRetriedByItselfOnceTheFileSystemGrows() throws Exception {
    Content content = Content.random(10L * MIB, 703);
    fx.origin.put("/bigger.bin", content);
    BackgroundCopyJob job = fx.alice().createJob("disk full, automatic retry");
    job.setMinimumRetryDelay(Duration.ofSeconds(5));
    Path target = small.resolve("bigger.bin");
    BackgroundCopyFile file = job.addFile(fx.origin.url("/bigger.bin"), target.toString());

    job.resume();
    expectError(
        job, JobState.TRANSIENT_ERROR, HResult.ERROR_DISK_FULL.value(), ErrorContext.LOCAL_FILE);
    assertIsPrefixOf(Path.of(file.temporaryName()), content);
    assertThat(target).doesNotExist();

    Command grow = run("mount", "-o", "remount,size=32m", small.toString());
    assertThat(grow.ok()).as("remount: %s", grow.output()).isTrue();
    // No resume(): the retry after the minimum retry delay finds the room.
    awaitState(job, JobState.TRANSFERRED);

    assertThat(job.errorCount()).isEqualTo(1);
    assertThat(job.complete()).isEqualTo(HResult.S_OK);
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** The effective uid of this process: the owner of {@code /proc/self}; -1 where unknown. */
  private static long currentUid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  private record Command(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private static Command run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Command(-1, String.valueOf(e.getMessage()));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(COMMAND_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Command(-1, String.join(" ", command) + " did not finish: " + output);
    }
    return new Command(process.exitValue(), output);
  }
}
