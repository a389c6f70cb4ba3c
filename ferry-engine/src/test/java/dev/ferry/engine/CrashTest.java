package dev.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.RecordedRequest;
import dev.ferry.testkit.TestOrigin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of crash safety: a child JVM that downloads through the engine is killed with
 * SIGKILL, the engine is opened again on the same data directory, and the job goes on from its last
 * checkpoint instead of starting over, ending byte-exact.
 */
class CrashTest {
  private static final int MIB = 1 << 20;
  private static final JobOwner OWNER = EngineFixture.ALICE;

  /** Checkpoint interval of {@link EngineFixture#testConfig()}: the most a crash may cost. */
  private static final Duration CHECKPOINT = EngineFixture.testConfig().checkpointInterval();

  @TempDir Path tmp;
  Path dataDir;
  Path downloads;
  TestOrigin origin;

  @BeforeEach
  void start() throws IOException {
    dataDir = tmp.resolve("data");
    downloads = Files.createDirectories(tmp.resolve("downloads"));
    origin = TestOrigin.start();
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  @Test
  void aDownloadKilledTwiceWithSigkillResumesFromItsCheckpointsAndEndsByteExact() throws Exception {
    long size = 64L * MIB;
    long rate = 8L * MIB;
    // What one crash may cost: a checkpoint interval of data plus the piece being written and
    // some slack for a busy machine. A restart from zero costs far more at both kill points.
    long allowedLoss = rate * CHECKPOINT.toMillis() / 1000 + 4L * MIB;
    Content content = Content.random(size, 42);
    String path = "/big.bin";
    origin.put(path, content);
    origin.fault(path, Fault.throttle(rate));
    Path target = downloads.resolve("big.bin");

    // Run 1: a fresh job, killed a good way in.
    UUID id;
    long servedAtKill1;
    try (Child first = Child.start(tmp, dataDir, "new", origin.url(path), target.toString())) {
      id = first.jobId();
      first.awaitProgress(24L * MIB);
      first.kill();
      servedAtKill1 = origin.bytesServed(path);
      assertThat(first.lastProgress()).as("killed mid-transfer").isLessThan(size);
    }
    Path temp = downloads.resolve(".ferry-" + id + "-0.part");
    assertThat(temp).as("the partial temporary file survives the crash").exists();
    assertThat(target).as("nothing appears under the final name").doesNotExist();
    assertThat(gets(path)).hasSize(1);
    assertThat(gets(path).get(0).range()).as("the first request asks for everything").isEmpty();

    // Run 2: a new process recovers the queued job by itself, then is killed again.
    long restored1;
    long servedAtKill2;
    try (Child second = Child.start(tmp, dataDir, "existing", id.toString())) {
      assertThat(second.jobId()).isEqualTo(id);
      assertThatThrownBy(() -> JobEngine.open(dataDir, EngineFixture.testConfig()))
          .as("another process holds the data directory")
          .isInstanceOfSatisfying(
              FerryException.class, e -> assertThat(e.is(HResult.E_ACCESSDENIED)).isTrue());
      restored1 = second.restored();
      second.awaitProgress(44L * MIB);
      second.kill();
      servedAtKill2 = origin.bytesServed(path);
      assertThat(second.lastProgress()).as("killed mid-transfer").isLessThan(size);
    }
    assertThat(restored1)
        .as("progress restored from the checkpoint of run 1")
        .isGreaterThanOrEqualTo(MIB)
        .isGreaterThanOrEqualTo(servedAtKill1 - allowedLoss);
    assertThat(temp).exists();
    assertThat(target).doesNotExist();
    List<RecordedRequest> afterTwoRuns = gets(path);
    assertThat(afterTwoRuns).hasSize(2);
    long resume1 = rangeStart(afterTwoRuns.get(1));
    assertThat(resume1 % MIB).as("resumed at a piece boundary").isZero();
    assertThat(restored1)
        .as("run 2 asks for exactly what its checkpoint lacks (it read its progress at once)")
        .isBetween(resume1, resume1 + 2L * MIB);
    assertThat(afterTwoRuns.get(1).header("If-Range"))
        .as("a resumed request is conditional on the version it continues")
        .isPresent();
    long position2 = resume1 + (servedAtKill2 - servedAtKill1);

    // Run 3: this process opens the engine on the same data directory and finishes the job.
    JobEngine engine = JobEngine.open(dataDir, EngineFixture.testConfig());
    try {
      BackgroundCopyManager manager = engine.manager(OWNER);
      BackgroundCopyJob job = manager.getJob(id);
      assertThat(job.state())
          .as("the interrupted transfer is queued again (or already running again)")
          .isIn(JobState.QUEUED, JobState.CONNECTING, JobState.TRANSFERRING);
      long restored2 = job.progress().bytesTransferred();
      assertThat(job.progress().bytesTotal()).isEqualTo(size);
      assertThat(restored2)
          .as("progress restored from the checkpoint of run 2")
          .isGreaterThan(restored1)
          .isGreaterThanOrEqualTo(position2 - allowedLoss);

      EngineFixture.awaitState(job, JobState.TRANSFERRED);
      assertThat(job.progress().bytesTransferred()).isEqualTo(size);
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
    } finally {
      engine.close();
    }

    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(partFiles()).as("no temporary file is left").isEmpty();
    List<RecordedRequest> all = gets(path);
    assertThat(all).as("one request per run: no run started over").hasSize(3);
    long resume2 = rangeStart(all.get(2));
    assertThat(resume2)
        .as("run 3 resumes after the checkpoint of run 2")
        .isGreaterThan(resume1)
        .isGreaterThanOrEqualTo(position2 - allowedLoss);
    long served = origin.bytesServed(path);
    assertThat(served)
        .as("nothing a run fetched was fetched all over again")
        .isLessThan(size + Math.min(servedAtKill1, servedAtKill2 - servedAtKill1))
        .isLessThanOrEqualTo(size + 2 * allowedLoss);
  }

  @Test
  void aRangedDownloadKilledMidRangeResumesInThatRangeAndEndsByteExact() throws Exception {
    long size = 32L * MIB;
    Content content = Content.random(size, 7);
    String path = "/ranged.bin";
    origin.put(path, content);
    origin.fault(path, Fault.throttle(4L * MIB));
    Path target = downloads.resolve("ranged.bin");
    FileRange r1 = new FileRange(MIB + 123, 6L * MIB);
    FileRange r2 = new FileRange(12L * MIB + 7, 10L * MIB);
    FileRange r3 = new FileRange(26L * MIB + 99, FileRange.TO_EOF);
    long wanted = r1.length() + r2.length() + (size - r3.offset());

    UUID id;
    long servedAtKill;
    try (Child child =
        Child.start(
            tmp,
            dataDir,
            "ranges",
            origin.url(path),
            target.toString(),
            r1 + "," + r2 + "," + r3)) {
      id = child.jobId();
      // Well into the second range: range 1 is checkpointed, and so is part of range 2 (a
      // periodic checkpoint in the last second saw more than 2 MiB of it at 4 MiB/s).
      child.awaitProgress(r1.length() + 7L * MIB);
      child.kill();
      servedAtKill = origin.bytesServed(path);
      assertThat(child.lastProgress()).isLessThan(r1.length() + r2.length());
    }
    int requestsBefore = gets(path).size();
    assertThat(requestsBefore).as("one request per range so far").isEqualTo(2);
    assertThat(gets(path).get(0).range())
        .hasValue("bytes=" + r1.offset() + "-" + (r1.end(size) - 1));
    assertThat(gets(path).get(1).range())
        .hasValue("bytes=" + r2.offset() + "-" + (r2.end(size) - 1));
    assertThat(target).doesNotExist();
    origin.clearFaults(path);

    JobEngine engine = JobEngine.open(dataDir, EngineFixture.testConfig());
    try {
      BackgroundCopyJob job = engine.manager(OWNER).getJob(id);
      assertThat(job.progress().bytesTotal()).isEqualTo(wanted);
      assertThat(job.progress().bytesTransferred())
          .as("range 1 and part of range 2 survive the crash")
          .isGreaterThan(r1.length() + MIB);
      EngineFixture.awaitState(job, JobState.TRANSFERRED);
      assertThat(job.progress().bytesTransferred()).isEqualTo(wanted);
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
    } finally {
      engine.close();
    }

    byte[] expected = new byte[(int) wanted];
    int at = 0;
    for (FileRange r : List.of(r1, r2, r3)) {
      int length = (int) (r.end(size) - r.offset());
      System.arraycopy(content.slice(r.offset(), length), 0, expected, at, length);
      at += length;
    }
    byte[] actual = Files.readAllBytes(target);
    assertThat(actual.length).isEqualTo(expected.length);
    assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);

    List<RecordedRequest> after = gets(path).subList(requestsBefore, gets(path).size());
    assertThat(after).as("range 2 (rest) and range 3").hasSize(2);
    assertThat(rangeStart(after.get(0)))
        .as("the resumed request continues inside range 2, not at its start, nor in range 1")
        .isGreaterThan(r2.offset() + MIB)
        .isLessThan(r2.end(size));
    assertThat(after.get(1).range()).hasValue("bytes=" + r3.offset() + "-");
    assertThat(origin.bytesServed(path) - servedAtKill)
        .as("after the crash only the missing bytes are fetched")
        .isLessThan(wanted - r1.length() - MIB);
    assertThat(partFiles()).isEmpty();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private List<RecordedRequest> gets(String path) {
    return origin.requests(path).stream().filter(r -> r.method().equals("GET")).toList();
  }

  /** N of a {@code Range: bytes=N-[M]} header; fails when the request has none. */
  private static long rangeStart(RecordedRequest request) {
    String range = request.range().orElseThrow(() -> new AssertionError("no Range in " + request));
    assertThat(range).startsWith("bytes=");
    return Long.parseLong(range.substring("bytes=".length(), range.indexOf('-')));
  }

  private List<Path> partFiles() throws IOException {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
  }

  /**
   * A child JVM running {@link ChildMain}. It reports on stdout; its stdin is a pipe from this
   * process only so that it dies with this process.
   */
  static final class Child implements AutoCloseable {
    private static final String PREFIX = "@@crash-child ";
    private final Process process;
    private final Path log;
    private final CompletableFuture<UUID> jobId = new CompletableFuture<>();
    private final CompletableFuture<Long> restored = new CompletableFuture<>();
    private final AtomicLong progress = new AtomicLong(-1);
    private final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();
    private final Thread reader;

    private Child(Process process, Path log) {
      this.process = process;
      this.log = log;
      this.reader = Thread.ofPlatform().daemon().name("crash-child-stdout").start(this::read);
    }

    static Child start(Path tmp, Path dataDir, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("-Xshare:auto");
      command.add("-XX:+UseSerialGC");
      command.add("-Xmx256m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(ChildMain.class.getName());
      command.add(dataDir.toString());
      command.addAll(List.of(args));
      Path log = Files.createTempFile(tmp, "child-", ".stderr");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .redirectOutput(ProcessBuilder.Redirect.PIPE)
              .redirectError(log.toFile());
      return new Child(builder.start(), log);
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.add(line);
          if (!line.startsWith(PREFIX)) {
            continue;
          }
          String[] words = line.substring(PREFIX.length()).split(" ");
          switch (words[0]) {
            case "job" -> jobId.complete(UUID.fromString(words[1]));
            case "restored" -> restored.complete(Long.parseLong(words[1]));
            case "progress" -> progress.set(Long.parseLong(words[1]));
            default -> {}
          }
        }
      } catch (IOException e) {
        // The child died; what it said is in output.
      } finally {
        jobId.completeExceptionally(new AssertionError("the child ended without a job id"));
        restored.completeExceptionally(new AssertionError("the child reported no progress"));
      }
    }

    UUID jobId() throws Exception {
      return jobId.get(60, TimeUnit.SECONDS);
    }

    long restored() throws Exception {
      return restored.get(60, TimeUnit.SECONDS);
    }

    long lastProgress() {
      return progress.get();
    }

    void awaitProgress(long bytes) {
      await("the child's job to pass " + bytes + " bytes")
          .atMost(EngineFixture.PATIENCE)
          .pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> {
            assertThat(process.isAlive()).as(() -> "child alive; stderr: " + stderr()).isTrue();
            assertThat(progress.get()).isGreaterThanOrEqualTo(bytes);
          });
    }

    /** SIGKILL, then waits for the child to be gone. */
    void kill() throws InterruptedException {
      assertThat(process.isAlive()).as("child alive before the kill").isTrue();
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child gone").isTrue();
      assertThat(process.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
    }

    private String stderr() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      try {
        if (process.isAlive()) {
          process.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(Duration.ofSeconds(5));
      } finally {
        System.out.println("--- child " + process.pid() + " stdout ---");
        output.forEach(System.out::println);
        System.out.println("--- child " + process.pid() + " stderr ---");
        System.out.println(stderr());
      }
    }
  }

  /**
   * The child process: opens the engine on the data directory, then either creates and resumes a
   * job ({@code new URL FILE}, {@code ranges URL FILE off:len,...}) or finds one the engine
   * recovered ({@code existing ID}); then reports the job's progress every 100 ms until killed.
   */
  public static final class ChildMain {
    public static void main(String[] args) throws Exception {
      // Die with the parent: stdin is a pipe that only the parent holds open.
      Thread.ofPlatform()
          .daemon()
          .start(() -> {
            try {
              while (System.in.read() >= 0) {
                // nothing to read; wait for the end of the stream
              }
            } catch (IOException ignored) {
              // fall through
            }
            Runtime.getRuntime().halt(3);
          });
      JobEngine engine = JobEngine.open(Path.of(args[0]), EngineFixture.testConfig());
      BackgroundCopyManager manager = engine.manager(OWNER);
      BackgroundCopyJob job;
      switch (args[1]) {
        case "new" -> {
          job = manager.createJob("crash");
          job.addFile(args[2], args[3]);
        }
        case "ranges" -> {
          job = manager.createJob("crash ranges");
          job.addFileWithRanges(
              args[2], args[3], Stream.of(args[4].split(",")).map(FileRange::parse).toList());
        }
        case "existing" -> job = manager.getJob(UUID.fromString(args[2]));
        default -> throw new IllegalArgumentException(args[1]);
      }
      say("restored " + job.progress().bytesTransferred());
      if (!args[1].equals("existing")) {
        job.resume();
      }
      say("job " + job.id());
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < deadline) {
        say("progress " + job.progress().bytesTransferred() + " " + job.state());
        Thread.sleep(100);
      }
      Runtime.getRuntime().halt(4);
    }

    private static void say(String line) {
      System.out.println(Child.PREFIX + line);
      System.out.flush();
    }
  }
}
