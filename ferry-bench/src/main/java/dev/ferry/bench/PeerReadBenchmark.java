package dev.ferry.bench;

import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.peer.PeerSocket;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * A peer connection's reader woken for one message: the benchmark's thread writes a HAVE into the
 * raw end of a loopback socket and waits until the {@link PeerConnection}'s reader (a virtual
 * thread) has read and decoded it and told its listener. In a fleet the reader waits like this
 * every few packets. {@code readTimeoutMillis} 120000 puts back the socket read timeout the reader
 * had before it waited untimed (its silence is now judged by the session's ticker): a virtual
 * thread's timed wait also registers with and is cancelled at the JDK's timer thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PeerReadBenchmark {
  @Param({"0", "120000"})
  public int readTimeoutMillis;

  private ServerSocket server;
  private Socket raw;
  private OutputStream rawOut;
  private PeerConnection connection;
  private final AtomicLong received = new AtomicLong();
  private volatile Thread waiter;
  private byte[] have;
  private long sent;

  @Setup(Level.Trial)
  public void connect() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Socket ours = new Socket();
    ours.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
    ours.setTcpNoDelay(true);
    raw = server.accept();
    raw.setTcpNoDelay(true);
    rawOut = raw.getOutputStream();
    byte[] infoHash = new byte[Handshake.INFO_HASH_SIZE];
    connection =
        new PeerConnection(
            PeerSocket.plain(ours),
            new Handshake(Reserved.FERRY, infoHash, PeerId.random()),
            new Handshake(Reserved.FERRY, infoHash, PeerId.random()),
            WireLimits.forPieces(1024),
            new NoUploads());
    ours.setSoTimeout(readTimeoutMillis);
    connection.start(
        new PeerConnection.Listener() {
          @Override
          public void received(PeerConnection c, Message message) {
            received.incrementAndGet();
            Thread t = waiter;
            if (t != null) {
              LockSupport.unpark(t);
            }
          }

          @Override
          public void closed(PeerConnection c, Throwable cause) {}
        });
    have = MessageCodec.encode(new Message.Have(7));
    waiter = Thread.currentThread();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    connection.close();
    raw.close();
    server.close();
  }

  @Benchmark
  public long wakeForOneMessage(Cpu cpu) throws IOException {
    waiter = Thread.currentThread();
    rawOut.write(have);
    sent++;
    while (received.get() < sent) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    cpu.count();
    return sent;
  }

  /**
   * The process's CPU time over the messages, both ends and the JDK's threads included: what a wake
   * costs on a loaded machine, where the time per message also measures waiting for a core. JMH
   * sums {@code cpuMicros} and {@code messages} per iteration; their ratio is CPU per message.
   */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public long cpuMicros;
    public long messages;
    private long last;

    @Setup(Level.Iteration)
    public void start() {
      cpuMicros = 0;
      messages = 0;
      last = OS.getProcessCpuTime();
    }

    void count() {
      long now = OS.getProcessCpuTime();
      cpuMicros += (now - last) / 1000;
      last = now;
      messages++;
    }
  }

  /** Serves nothing: no requests are sent. */
  private static final class NoUploads implements PeerConnection.Uploads {
    @Override
    public ByteBuffer block(PeerConnection c, BlockRef block) {
      return null;
    }

    @Override
    public void pace(int bytes) {}

    @Override
    public void sent(PeerConnection c, int bytes) {}
  }
}
