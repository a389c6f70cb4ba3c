package dev.ferry.bench;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.FileState;
import dev.ferry.engine.transfer.FileTransfer;
import dev.ferry.engine.transfer.SourcePlanner;
import dev.ferry.engine.transfer.StopSignal;
import dev.ferry.engine.transfer.TransferListener;
import dev.ferry.spi.Clock;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferEvents;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The copy loop of {@code FileTransfer}: read from an {@link InputStream} into a 256 KiB array and
 * write it with {@link FileChannel#write(ByteBuffer, long)} at its position, against {@link
 * InputStream#transferTo}. Each invocation copies {@value #MEGABYTES} MB (10^6 bytes) from an
 * in-memory stream into a fresh temporary file (page cache; no fsync), so the score in ops/s reads
 * directly as MB/s.
 *
 * <p>{@code sourceReadKiB} caps how many bytes one {@code read} returns, as a socket does: 16 KiB
 * is about what a loopback socket hands over at a time, 256 KiB fills the whole buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class CopyLoopBenchmark {
  static final int MEGABYTES = 256;
  private static final long SIZE = MEGABYTES * 1_000_000L;

  @Param({"16", "256"})
  public int sourceReadKiB;

  @Param({"256"})
  public int bufferKiB;

  private static final UUID JOB = UUID.randomUUID();

  private byte[] pattern;
  private byte[] buffer;
  private Path dir;
  private Path file;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    pattern = new byte[1 << 20];
    new SplittableRandom(42).nextBytes(pattern);
    buffer = new byte[bufferKiB * 1024];
    dir = Files.createTempDirectory("ferry-copyloop");
    file = dir.resolve("out.bin");
  }

  /** Every invocation writes a new file, as a fresh download does. */
  @Setup(Level.Invocation)
  public void freshFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  /** FileTransfer.copyBody's loop: read into the array, write it at its position. */
  @Benchmark
  @OperationsPerInvocation(MEGABYTES)
  public long positionalWrite() throws IOException {
    try (InputStream in = new PatternStream(pattern, SIZE, sourceReadKiB * 1024);
        FileChannel out =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long position = 0;
      int n;
      while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
        ByteBuffer data = ByteBuffer.wrap(buffer, 0, n);
        long at = position;
        while (data.hasRemaining()) {
          at += out.write(data, at);
        }
        position += n;
      }
      return position;
    }
  }

  /** The same loop through a direct buffer the loop owns, so the channel copies nothing more. */
  @Benchmark
  @OperationsPerInvocation(MEGABYTES)
  public long positionalWriteDirect() throws IOException {
    ByteBuffer direct = DirectBuffers.get(buffer.length);
    try (InputStream in = new PatternStream(pattern, SIZE, sourceReadKiB * 1024);
        FileChannel out =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long position = 0;
      int n;
      while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
        direct.clear();
        direct.put(buffer, 0, n).flip();
        long at = position;
        while (direct.hasRemaining()) {
          at += out.write(direct, at);
        }
        position += n;
      }
      return position;
    }
  }

  /**
   * The engine's own copy path: a whole {@code FileTransfer} of one file over one connection from
   * an in-memory source (response checks, decryption hook, piece accounting, checkpoint checks,
   * finish), so that what the transfer adds around the loop above shows.
   */
  @Benchmark
  @OperationsPerInvocation(MEGABYTES)
  public long fileTransfer() throws Exception {
    FileState state = new FileState(List.of(), 1 << 20);
    new FileTransfer(
            SourcePlanner.originOnly(
                new FileRef(JOB, 0, URI.create("memory:/bench")),
                new MemorySource(pattern, SIZE, sourceReadKiB * 1024),
                Clock.SYSTEM),
            state,
            new FileTransfer.Settings(
                URI.create("memory:/bench"),
                file,
                null,
                null,
                false,
                true,
                false,
                Duration.ofSeconds(1),
                1,
                1 << 20,
                bytes -> {},
                null,
                null,
                false),
            new TransferListener() {
              @Override
              public void connected() {}

              @Override
              public void progressed(long bytes) {}

              @Override
              public void checkpoint() {}
            },
            new StopSignal(),
            Clock.SYSTEM,
            TransferEvents.NONE)
        .run();
    return state.bytesTransferred();
  }

  /** The JDK's own copy into the file's output stream. */
  @Benchmark
  @OperationsPerInvocation(MEGABYTES)
  public long transferTo() throws IOException {
    try (InputStream in = new PatternStream(pattern, SIZE, sourceReadKiB * 1024);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      return in.transferTo(out);
    }
  }

  /** A source that serves {@link PatternStream}s of one fixed version. */
  record MemorySource(SourceKind kind, String protocol, byte[] pattern, long size, int maxRead)
      implements Source {
    MemorySource(byte[] pattern, long size, int maxRead) {
      this(SourceKind.ORIGIN, "memory", pattern, size, maxRead);
    }

    @Override
    public SourceResponse open(SourceRequest request) {
      long end = request.end() < 0 ? size : request.end();
      return SourceResponse.of(
          request.start(),
          end - request.start(),
          new Validators(size, "\"bench\"", null),
          new PatternStream(pattern, end - request.start(), maxRead));
    }

    @Override
    public TransferFailure classify(IOException e, String doing) {
      return TransferFailure.transientFailure(
          HResult.ERROR_READ_FAULT, ErrorContext.REMOTE_FILE, protocol, doing, e);
    }
  }

  /** One direct buffer per thread, kept across invocations. */
  static final class DirectBuffers {
    private static final ThreadLocal<ByteBuffer> BUFFER = new ThreadLocal<>();

    static ByteBuffer get(int size) {
      ByteBuffer b = BUFFER.get();
      if (b == null || b.capacity() != size) {
        b = ByteBuffer.allocateDirect(size);
        BUFFER.set(b);
      }
      return b;
    }
  }

  /**
   * {@code size} bytes cycling through {@code pattern}, at most {@code maxRead} per {@code read},
   * like a socket's input stream.
   */
  static final class PatternStream extends InputStream {
    private final byte[] pattern;
    private final int maxRead;
    private long remaining;
    private int offset;

    PatternStream(byte[] pattern, long size, int maxRead) {
      this.pattern = pattern;
      this.remaining = size;
      this.maxRead = maxRead;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      int b = pattern[offset] & 0xff;
      offset = (offset + 1) % pattern.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (remaining == 0) {
        return -1;
      }
      int want = (int) Math.min(Math.min(len, maxRead), remaining);
      int done = 0;
      while (done < want) {
        int n = Math.min(want - done, pattern.length - offset);
        System.arraycopy(pattern, offset, b, off + done, n);
        done += n;
        offset = (offset + n) % pattern.length;
      }
      remaining -= done;
      return done;
    }
  }
}
