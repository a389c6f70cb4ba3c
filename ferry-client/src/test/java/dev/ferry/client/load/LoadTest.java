package dev.ferry.client.load;

import static dev.ferry.testkit.TestFiles.deleteTree;
import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyCallback;
import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.client.FerryClient;
import dev.ferry.rest.PolicyView;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Load (issue 6): 50 API clients, each on its own connection to one real ferryd, create, fill,
 * resume, query, suspend, cancel and complete jobs for {@code -Dload.seconds} (10 by default; the
 * documented long run, {@code scripts/load}, is 60) while transfers from a loopback origin run.
 * Every call is timed; the run fails on any unexpected error, on a job that ends anywhere but
 * completed (byte-exact) or cancelled (nothing left), and on a job or temporary file left behind.
 */
class LoadTest {
  private static final Duration TRANSFER_PATIENCE = Duration.ofMinutes(3);

  /**
   * How long past the end of the run a client still waits for its last job to transfer; then it
   * cancels it, which accounts for the job just as well and keeps the run's length bounded.
   */
  private static final Duration WIND_DOWN = Duration.ofSeconds(5);

  private static final int ORIGIN_FILES = 24;

  private final long seconds = Long.getLong("load.seconds", 10);
  private final int clients = Integer.getInteger("load.clients", 50);

  private Path dir;
  private TestOrigin origin;
  private Ferryd daemon;
  private final List<Served> served = new ArrayList<>();
  private final Latencies calls = new Latencies();
  private final Latencies jobs = new Latencies();
  private final Map<UUID, String> created = new ConcurrentHashMap<>();
  private final Set<UUID> completed = ConcurrentHashMap.newKeySet();
  private final Set<UUID> cancelled = ConcurrentHashMap.newKeySet();
  private final List<String> errors = new CopyOnWriteArrayList<>();

  /** A file on the origin and the hashes its downloads must have. */
  private record Served(String path, Content content, String sha256, String firstHalfSha256) {}

  /** A file of a job: where it lands and what it must hash to. */
  private record Wanted(Path local, String sha256) {}

  @BeforeEach
  void start() throws IOException {
    dir = TestFiles.shortTempDir("fl");
    Files.createDirectories(dir.resolve("dl"));
    origin = TestOrigin.start();
    Random random = new Random(6);
    for (int i = 0; i < ORIGIN_FILES; i++) {
      Content content = Content.random(4096 + random.nextInt(192 << 10), random.nextLong());
      String path = "/load/" + i;
      origin.put(path, content);
      if (i % 3 == 0) {
        // A third of the files take a moment, so queries, suspends and cancels meet transfers.
        origin.fault(path, Fault.throttle(1 << 20));
      }
      served.add(
          new Served(
              path,
              content,
              content.sha256(),
              sha256(content.slice(0, (int) (content.size() / 2)))));
    }
    daemon =
        Ferryd.on(dir.resolve("d.sock"), dir.resolve("data"))
            .log(dir.resolve("ferryd.log"))
            .start();
  }

  @AfterEach
  void stop() {
    try {
      if (daemon != null) {
        daemon.close();
      }
      origin.close();
    } finally {
      if (errors.isEmpty()) {
        deleteTree(dir);
      } else {
        System.out.println("LOAD kept " + dir + " (ferryd.log) for inspection");
      }
    }
  }

  @Test
  void fiftyClientsWorkTheDaemonWithoutErrorsOrLostJobs() throws Exception {
    Path socket = daemon.socket();
    // ferryd runs one background job at a time and, by default, slows background jobs to 256 KiB/s
    // while a FOREGROUND job transfers; without that cap the background queue turns over fast
    // enough for every client to go through many jobs.
    PolicyView policy = FerryClient.policy(socket);
    FerryClient.setPolicy(
        socket,
        new PolicyView(
            policy.global(), policy.foreground(), policy.background(), -1, policy.windows()));
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .name("load-client-" + c)
              .start(() -> runClient(socket, client, deadline)));
    }
    for (Thread thread : threads) {
      if (!thread.join(Duration.ofSeconds(seconds).plus(WIND_DOWN).plusMinutes(2))) {
        errors.add(thread.getName() + " did not finish");
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;

    List<BackgroundCopyJob> left = List.of();
    try (BackgroundCopyManager manager = FerryClient.connect(socket)) {
      left = manager.enumJobs();
      for (UUID id : created.keySet()) {
        try {
          manager.getJob(id);
          errors.add("job " + created.get(id) + " still exists after the run");
        } catch (FerryException e) {
          if (!e.is(HResult.BG_E_NOT_FOUND)) {
            errors.add("GetJob of " + created.get(id) + ": " + e);
          }
        }
      }
    } catch (RuntimeException e) {
      errors.add("the final check: " + e + " (ferryd alive: " + daemon.isAlive() + ")");
      e.printStackTrace(System.out);
    }
    List<Path> remaining;
    try (Stream<Path> walk = Files.walk(dir.resolve("dl"))) {
      remaining = walk.filter(Files::isRegularFile).toList();
    }
    long total = calls.count();
    System.out.printf(
        "LOAD SUMMARY clients=%d seconds=%d elapsed=%.1fs calls=%d rate=%.0f/s jobs=%d"
            + " completed=%d cancelled=%d lost=%d errors=%d%n%s%s",
        clients,
        seconds,
        elapsed,
        total,
        total / elapsed,
        created.size(),
        completed.size(),
        cancelled.size(),
        created.size() - completed.size() - cancelled.size(),
        errors.size(),
        calls.table("LOAD", "call"),
        jobs.table("LOAD", "job"));
    errors.stream().limit(50).forEach(e -> System.out.println("LOAD ERROR " + e));

    assertThat(errors).as("unexpected errors (ferryd's last lines:\n%s)", daemon.tail()).isEmpty();
    assertThat(created).as("jobs created").isNotEmpty();
    assertThat(completed.size() + cancelled.size())
        .as("every job created ends completed or cancelled")
        .isEqualTo(created.size());
    assertThat(left).as("jobs left in ferryd").isEmpty();
    assertThat(remaining).as("files left on disk (temporaries or unverified finals)").isEmpty();
  }

  private void runClient(Path socket, int client, long deadline) {
    Random random = new Random(client * 7919L + 17);
    try (BackgroundCopyManager manager = calls.time("connect", () -> FerryClient.connect(socket))) {
      for (int n = 0; System.nanoTime() < deadline; n++) {
        String name = "load-c%02d-%05d".formatted(client, n);
        try {
          oneJob(manager, name, random, deadline + WIND_DOWN.toNanos());
        } catch (Exception | Error e) {
          errors.add(name + ": " + e);
          if (!(e instanceof FerryException)) {
            e.printStackTrace(System.out);
          }
        }
      }
    } catch (RuntimeException e) {
      errors.add("client " + client + ": " + e);
    }
  }

  private void oneJob(BackgroundCopyManager manager, String name, Random random, long windDown)
      throws IOException, InterruptedException {
    long begun = System.nanoTime();
    BackgroundCopyJob job = calls.time("createJob", () -> manager.createJob(name));
    created.put(job.id(), name);
    Path jobDir = Files.createDirectories(dir.resolve("dl").resolve(name));
    List<Wanted> wanted = new ArrayList<>();
    int files = 1 + random.nextInt(3);
    for (int i = 0; i < files; i++) {
      Served file = served.get(random.nextInt(served.size()));
      Path local = jobDir.resolve("f" + i);
      if (random.nextInt(5) == 0) {
        List<FileRange> half = List.of(new FileRange(0, file.content().size() / 2));
        calls.time(
            "addFileWithRanges",
            () -> job.addFileWithRanges(origin.url(file.path()), local.toString(), half));
        wanted.add(new Wanted(local, file.firstHalfSha256()));
      } else {
        calls.time("addFile", () -> job.addFile(origin.url(file.path()), local.toString()));
        wanted.add(new Wanted(local, file.sha256()));
      }
    }
    if (random.nextInt(4) == 0) {
      calls.time("setPriority", () -> job.setPriority(JobPriority.FOREGROUND));
    }
    CountDownLatch transferred = new CountDownLatch(1);
    boolean callback = random.nextInt(5) == 0;
    boolean cancel = random.nextInt(3) == 0;
    if (callback) {
      calls.time(
          "setNotifyInterface",
          () ->
              job.setNotifyInterface(
                  new BackgroundCopyCallback() {
                    @Override
                    public void jobTransferred(BackgroundCopyJob j) {
                      transferred.countDown();
                    }

                    @Override
                    public void jobError(BackgroundCopyJob j, BackgroundCopyError error) {
                      errors.add(name + ": jobError " + error.code());
                      transferred.countDown();
                    }
                  }));
    }
    calls.time("resume", job::resume);
    calls.time("enumJobs", () -> manager.enumJobs());
    if (random.nextInt(10) == 0) {
      calls.time("suspend", job::suspend);
      JobState state = calls.time("getState", job::state);
      if (state != JobState.SUSPENDED) {
        errors.add(name + " is " + state + " right after Suspend");
      }
      calls.time("resume", job::resume);
    }

    if (cancel) {
      for (int reads = random.nextInt(4); reads > 0; reads--) {
        calls.time("getProgress", job::progress);
        calls.time("getState", job::state);
        Thread.sleep(random.nextInt(60));
      }
      cancel(job, name, jobDir);
      jobs.record("cancelled after", System.nanoTime() - begun);
      return;
    }

    long patience = System.nanoTime() + TRANSFER_PATIENCE.toNanos();
    if (callback) {
      long wait = Math.min(patience, windDown) - System.nanoTime();
      if (!transferred.await(Math.max(0, wait), TimeUnit.NANOSECONDS)
          && System.nanoTime() < windDown) {
        errors.add(name + ": no jobTransferred callback; the job is " + job.state());
      }
    }
    while (true) {
      JobState state = calls.time("getState", job::state);
      if (state == JobState.TRANSFERRED) {
        break;
      }
      if (state == JobState.ERROR || state == JobState.TRANSIENT_ERROR) {
        errors.add(name + " is " + state + ": " + job.error().map(Object::toString).orElse("?"));
        cancel(job, name, jobDir);
        return;
      }
      if (System.nanoTime() > patience) {
        errors.add(name + " is still " + state + " after " + TRANSFER_PATIENCE);
        cancel(job, name, jobDir);
        return;
      }
      if (System.nanoTime() > windDown) {
        cancel(job, name, jobDir);
        jobs.record("cancelled at the end", System.nanoTime() - begun);
        return;
      }
      if (random.nextBoolean()) {
        calls.time("getProgress", job::progress);
      }
      Thread.sleep(25 + random.nextInt(50));
    }
    jobs.record("time to TRANSFERRED", System.nanoTime() - begun);
    HResult result = calls.time("complete", job::complete);
    if (result != HResult.S_OK) {
      errors.add(name + ": Complete returned " + result);
    }
    for (Wanted file : wanted) {
      String actual = Files.exists(file.local()) ? sha256(file.local()) : "missing";
      if (!actual.equals(file.sha256())) {
        errors.add(name + ": " + file.local().getFileName() + " is " + actual);
      }
    }
    List<String> names = list(jobDir);
    if (names.size() != wanted.size()) {
      errors.add(name + ": completed, and its directory holds " + names);
    }
    completed.add(job.id());
    deleteTree(jobDir);
  }

  /** Cancel must answer S_OK and leave nothing of the job on disk. */
  private void cancel(BackgroundCopyJob job, String name, Path jobDir) {
    HResult result = calls.time("cancel", job::cancel);
    if (result != HResult.S_OK) {
      errors.add(name + ": Cancel returned " + result);
    }
    for (String left : list(jobDir)) {
      errors.add(name + ": cancelled, but " + left + " is still there");
    }
    cancelled.add(job.id());
    deleteTree(jobDir);
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
