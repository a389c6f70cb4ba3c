package dev.ferry.bench;

import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.store.FileRow;
import dev.ferry.engine.store.JobRow;
import dev.ferry.engine.store.Store;
import dev.ferry.engine.transfer.SourceCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The store's durable writes on a real SQLite file (WAL, {@code synchronous=FULL}) in a temporary
 * directory: the transfer checkpoint ({@code Store.update(job, [file])}, once a second per running
 * file), a job row alone ({@code updateJob}, every property change) and job creation ({@code
 * insertJob}). Each is one transaction with an fsync, so the scores mostly measure the disk.
 *
 * <p>{@code fileGiB} sets the size of the file whose piece bitmap is checkpointed (1 MiB pieces:
 * 128 bytes for 1 GiB, 12.8 KB for 100 GiB). Set {@code java.io.tmpdir} to benchmark another disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class StoreBenchmark {
  @Param({"1", "100"})
  public int fileGiB;

  private Path dir;
  private Store store;
  private JobRow job;
  private FileRow file;
  private BitSet done;
  private int piece;
  private long sequence = 1;

  /** The rows' modification time, a millisecond on per write so that no write repeats a row. */
  private long clock = System.currentTimeMillis();

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("ferry-store-bench");
    store = Store.open(dir.resolve("ferry.db"));
    job = jobRow(UUID.randomUUID(), sequence++);
    store.insertJob(job);
    long size = (long) fileGiB << 30;
    done = new BitSet();
    file =
        new FileRow(
            job.id(),
            0,
            "http://127.0.0.1:18080/f" + fileGiB + "g.bin",
            dir.resolve("f.bin").toString(),
            dir.resolve(".ferry-" + job.id() + "-0.part").toString(),
            null,
            size,
            "\"66a1b2c3-40000000\"",
            "Mon, 01 Jan 2024 00:00:00 GMT",
            1 << 20,
            done.toByteArray(),
            done.toByteArray(),
            false,
            "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: "
                + size
                + "\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
                + "ETag: \"66a1b2c3-40000000\"\r\nAccept-Ranges: bytes\r\n",
            null,
            new SourceCounters(0, 0, 0, 1, 0, 0));
    store.addFiles(job, List.of(file));
  }

  @TearDown
  public void tearDown() throws IOException {
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A transfer checkpoint: the job row and the file row with its grown piece bitmap. */
  @Benchmark
  public void checkpoint() {
    store.update(withModified(job, ++clock), List.of(progressed()));
  }

  /**
   * The same through {@code Store.checkpoint}, as a transfer records it: the commit does not wait
   * for the disk, so what is left is the statements' own cost.
   */
  @Benchmark
  public void checkpointWithoutWaiting() {
    store.checkpoint(withModified(job, ++clock), List.of(progressed()));
  }

  /** A property change: the job row alone. */
  @Benchmark
  public void updateJob() {
    store.updateJob(withModified(job, ++clock));
  }

  /**
   * The file one more piece on, its counters grown: every write must change its rows, as a
   * transfer's checkpoints do, since SQLite writes nothing for an update that changes nothing.
   */
  private FileRow progressed() {
    done.set(piece++ % (fileGiB << 10));
    file = withPieces(file, done.toByteArray());
    return file;
  }

  /** CreateJob: a new row (the database grows by one job per call). */
  @Benchmark
  public void insertJob() {
    store.insertJob(jobRow(UUID.randomUUID(), sequence++));
  }

  static JobRow jobRow(UUID id, long sequence) {
    long now = System.currentTimeMillis();
    return new JobRow(
        id,
        sequence,
        0,
        0,
        "root",
        "bench job " + sequence,
        "",
        JobPriority.NORMAL.value(),
        JobState.SUSPENDED.value(),
        now,
        now,
        0,
        0,
        null,
        null,
        null,
        null,
        3,
        600,
        1_209_600,
        0,
        null,
        null,
        null,
        0,
        null,
        false,
        false,
        0,
        0,
        0,
        false,
        false,
        0,
        0,
        null,
        null,
        null,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static JobRow withModified(JobRow j, long now) {
    return new JobRow(
        j.id(),
        j.sequence(),
        j.type(),
        j.ownerUid(),
        j.ownerName(),
        j.displayName(),
        j.description(),
        j.priority(),
        JobState.TRANSFERRING.value(),
        j.createdMs(),
        now,
        j.transferredMs(),
        j.errorCount(),
        j.errorContext(),
        j.errorCode(),
        j.errorFile(),
        j.errorProtocol(),
        j.notifyFlags(),
        j.minRetryDelaySeconds(),
        j.noProgressTimeoutSeconds(),
        j.proxyUsage(),
        j.proxyList(),
        j.proxyBypass(),
        j.customHeaders(),
        j.costFlags(),
        j.notificationClsid(),
        j.dynamicContent(),
        j.highPerformance(),
        j.maxDownloadSize(),
        j.storedCredentials(),
        j.minNotificationIntervalMs(),
        j.onDemand(),
        true,
        j.transientSinceMs(),
        j.retryAtMs(),
        j.notifyProgram(),
        j.notifyParameters(),
        j.download(),
        j.maxTransferRate(),
        j.cacheHosts(),
        j.cacheFallbackDelayS(),
        j.contentDescription(),
        j.peers(),
        j.downloadMode(),
        j.httpDelayS(),
        j.minBackgroundQos(),
        j.groupId(),
        j.trackers());
  }

  private static FileRow withPieces(FileRow f, byte[] pieces) {
    SourceCounters c = f.counters();
    return f.withProgress(
        pieces,
        pieces,
        new SourceCounters(c.bytesFromHttp() + (1 << 20), 0, 0, 1, c.activeMillis() + 1, 0));
  }
}
