package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobState;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry get} into a file system that is too small (a size-limited tmpfs, which only root can
 * mount; anyone else skips this): it stops at once instead of retrying until its timeout, keeps the
 * job suspended for a resume, and says why and what to do, in full, off a terminal too.
 */
class GetDiskFullTest {
  @TempDir Path tmp;
  Path small;
  boolean mounted;
  TestOrigin origin;

  @BeforeEach
  void mount() throws Exception {
    assumeTrue(
        Files.getAttribute(tmp, "unix:uid").equals(0) && Ferry.currentUser().isAdministrator(),
        "needs root to mount a size-limited tmpfs; skipped");
    small = Files.createDirectory(tmp.resolve("small"));
    Process mount =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=2m", "ferry-cli-disk-full", small.toString())
            .redirectErrorStream(true)
            .start();
    assumeTrue(
        mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
        "no tmpfs could be mounted here; skipped");
    mounted = true;
    origin = TestOrigin.start();
  }

  @AfterEach
  void unmount() throws Exception {
    if (origin != null) {
      origin.close();
    }
    if (mounted) {
      new ProcessBuilder("umount", small.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFullDiskStopsTheGetAtOnceWithTheDownloadSuspended() throws Exception {
    origin.put("/big.bin", Content.random(6 << 20, 70));
    Path data = tmp.resolve("data");

    Cli.Result result =
        new Cli("--data-dir", data.toString())
            .run("get", origin.url("/big.bin"), "-d", small.toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .contains("ERROR_DISK_FULL")
        .contains("free some space and run the same command again");
    assertThat(result.err().lines().filter(l -> l.contains("ERROR_DISK_FULL")))
        .as("the reason is not cut to a line's width")
        .allMatch(l -> l.length() > 80);
    try (BackgroundCopyManager manager = Ferry.embedded(data)) {
      List<BackgroundCopyJob> jobs = manager.enumJobs();
      assertThat(jobs)
          .singleElement()
          .extracting(BackgroundCopyJob::state)
          .isEqualTo(JobState.SUSPENDED);
      assertThat(jobs.get(0).errorCount())
          .as("stopped at the first full disk, not after retrying")
          .isEqualTo(1);
    }
  }
}
