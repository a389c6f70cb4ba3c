package dev.ferry.swarm.discovery;

import dev.ferry.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process (an {@link LsdNode}, or libtorrent's script), and the lines it has printed so
 * far.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern OUTSIDE = Pattern.compile("outsideSubnet=(\\d+)");
  private static final Pattern OWN = Pattern.compile("own=(\\d+)");

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread.ofVirtual().name("lsd-node " + name).start(this::read);
  }

  /** {@code prefix} (such as {@code ip netns exec NAME}) then a JVM running {@link LsdNode}. */
  static NodeProcess start(String name, List<String> prefix, List<String> args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(ChildJvm.command(LsdNode.class.getName(), args));
    return run(name, command);
  }

  /** {@code command}, its output read as it comes. */
  static NodeProcess run(String name, List<String> command) {
    try {
      return new NodeProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(reading failed: " + e + ")");
    }
  }

  /** Whether it listens on the groups. */
  boolean ready() {
    return saw("LSD-READY ");
  }

  /** Whether a line it printed starts with {@code start}. */
  boolean saw(String start) {
    return lines.stream().anyMatch(l -> l.startsWith(start));
  }

  /** The lines it printed that start with {@code start}. */
  List<String> lines(String start) {
    return lines.stream().filter(l -> l.startsWith(start)).toList();
  }

  /** Tells it to start announcing. */
  void go() {
    try {
      process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The peers reported, as {@code key address port}. */
  List<String> peers() {
    return lines.stream()
        .filter(l -> l.startsWith("LSD-PEER "))
        .map(l -> l.substring("LSD-PEER ".length()))
        .distinct()
        .toList();
  }

  /** Announces from a sender outside this host's subnets that were dropped. */
  long outsideSubnet() {
    return lastStat(OUTSIDE);
  }

  /** Its own announces, heard back and dropped by their cookie. */
  long own() {
    return lastStat(OWN);
  }

  private long lastStat(Pattern field) {
    long value = 0;
    for (String line : lines) {
      Matcher m = field.matcher(line);
      if (line.startsWith("LSD-STATS ") && m.find()) {
        value = Long.parseLong(m.group(1));
      }
    }
    return value;
  }

  /** Everything it printed, its log included, for a failure's message. */
  String output() {
    return name + ":\n" + String.join("\n", lines);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Gone already.
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
