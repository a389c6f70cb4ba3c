package dev.ferry.bench;

import dev.ferry.swarm.ledbat.RttSample;
import dev.ferry.swarm.ledbat.SocketRtts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * One reading of the connections' round-trip times, as the upload pacer takes once a second: {@code
 * shell} is {@link SocketRtts#ss} (a kept shell runs {@code ss} for each reading), {@code spawn}
 * the JVM starting {@code ss} itself for each reading, as the pacer did before. Besides the time,
 * {@code cpuMicros} counts the CPU of this JVM and of every process it started (the shell and its
 * ss included) over {@code readings}; their ratio is the CPU per reading.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseSerialGC"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
public class SocketRttsBenchmark {
  @Param({"shell", "spawn"})
  public String how;

  private SocketRtts rtts;

  @Setup(Level.Trial)
  public void start() {
    rtts = how.equals("shell") ? SocketRtts.ss() : SocketRttsBenchmark::spawn;
  }

  @TearDown(Level.Trial)
  public void stop() {
    rtts.close();
  }

  @Benchmark
  public List<RttSample> read(Cpu cpu) {
    List<RttSample> samples = rtts.read();
    cpu.count();
    return samples;
  }

  /** The pacer's reading before the kept shell: a process started for each. */
  private static List<RttSample> spawn() {
    try {
      Process process =
          new ProcessBuilder("ss", "-tinH", "state", "established")
              .redirectErrorStream(true)
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return List.of();
      }
      return process.exitValue() == 0 ? SocketRtts.parse(out) : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** CPU of this JVM and its processes, in microseconds, per reading (see the class comment). */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Cpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Clock ticks of /proc's times (USER_HZ, 100 on Linux). */
    private static final long TICK_MICROS = 10_000;

    public long cpuMicros;
    public long readings;
    private long last;

    @Setup(Level.Iteration)
    public void begin() {
      cpuMicros = 0;
      readings = 0;
      last = now();
    }

    void count() {
      long now = now();
      cpuMicros += now - last;
      last = now;
      readings++;
    }

    private static long now() {
      long micros = OS.getProcessCpuTime() / 1000;
      // Children this JVM waited for (each spawned ss), then the live ones with what they waited
      // for (the shell and the ss it ran).
      micros += ticks(Path.of("/proc/self/stat"), 16, 17) * TICK_MICROS;
      for (ProcessHandle child : ProcessHandle.current().children().toList()) {
        micros += ticks(Path.of("/proc", Long.toString(child.pid()), "stat"), 14, 17) * TICK_MICROS;
      }
      return micros;
    }

    /**
     * The sum of a stat file's fields {@code from} to {@code to}, numbered as proc(5) numbers them
     * (14 utime, 15 stime, 16 cutime, 17 cstime); the command, field 2, may hold spaces.
     */
    private static long ticks(Path stat, int from, int to) {
      try {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        long sum = 0;
        for (int i = from; i <= to; i++) {
          sum += Long.parseLong(fields[i - 3]);
        }
        return sum;
      } catch (IOException | RuntimeException gone) {
        return 0;
      }
    }
  }
}
