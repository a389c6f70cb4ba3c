package dev.ferry.swarm.discovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Network namespaces for the tests, made with iproute2's {@code ip}: pairs of namespaces joined by
 * a veth link, each end with an address and a route for 224.0.0.0/4 (a namespace has no default
 * route, and without one no multicast leaves it). Names carry this JVM's pid, so that runs side by
 * side do not meet; {@link #close} deletes every namespace made, which takes its links with it.
 */
public final class Netns implements AutoCloseable {
  private static final String IP = "ip";

  private final String prefix = "flsd" + ProcessHandle.current().pid();
  private final List<String> made = new ArrayList<>();

  /**
   * Makes namespaces {@code a} and {@code b} (suffixes of this run's prefix) joined by a veth link
   * whose ends have {@code addressA} and {@code addressB} (CIDR); skips the test where namespaces
   * cannot be made (not root, no {@code ip}, namespaces refused).
   */
  public void pair(String a, String addressA, String b, String addressB) {
    String nsA = name(a);
    String nsB = name(b);
    add(nsA);
    add(nsB);
    String linkA = "v" + nsA.substring(1);
    String linkB = "v" + nsB.substring(1);
    run("link", "add", linkA, "netns", nsA, "type", "veth", "peer", "name", linkB, "netns", nsB);
    up(nsA, linkA, addressA);
    up(nsB, linkB, addressB);
  }

  /**
   * Namespaces {@code a} and {@code b} joined through a router namespace {@code router} whose link
   * toward {@code b} is a token bucket of {@code rate} with a queue {@code latency} deep: a slow
   * link with a deep buffer between them, as a home router's uplink (a queue in the sender's own
   * namespace would be kept short by TCP's small-queue limit, which a router's is not). {@code a}
   * is {@code NET_A.1}, {@code b} is {@code NET_B.1}, the router {@code .254} on both.
   */
  public void routed(
      String a, String netA, String router, String b, String netB, String rate, String latency) {
    String nsA = name(a);
    String nsR = name(router);
    String nsB = name(b);
    add(nsA);
    add(nsR);
    add(nsB);
    String aLink = shortLink(nsA);
    String raLink = shortLink(nsR + "a");
    String rbLink = shortLink(nsR + "b");
    String bLink = shortLink(nsB);
    run("link", "add", aLink, "netns", nsA, "type", "veth", "peer", "name", raLink, "netns", nsR);
    run("link", "add", rbLink, "netns", nsR, "type", "veth", "peer", "name", bLink, "netns", nsB);
    up(nsA, aLink, netA + ".1/24");
    up(nsR, raLink, netA + ".254/24");
    // The router's second link: no multicast route, which its first already has.
    run("-n", nsR, "addr", "add", netB + ".254/24", "dev", rbLink);
    run("-n", nsR, "link", "set", rbLink, "up");
    up(nsB, bLink, netB + ".1/24");
    run("-n", nsA, "route", "add", "default", "via", netA + ".254");
    run("-n", nsB, "route", "add", "default", "via", netB + ".254");
    run("netns", "exec", nsR, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    run(
        "netns", "exec", nsR, "tc", "qdisc", "replace", "dev", rbLink, "root", "tbf", "rate", rate,
        "burst", "32kb", "latency", latency);
  }

  /** A link name within the kernel's 15 characters, unique to {@code key}. */
  private static String shortLink(String key) {
    return "w" + Integer.toHexString(key.hashCode());
  }

  /** Sets the kernel setting {@code key} in namespace {@code suffix} (a per-namespace one). */
  public void sysctl(String suffix, String key, String value) {
    run("netns", "exec", name(suffix), "sysctl", "-q", "-w", key + "=" + value);
  }

  /** The full name of the namespace made as {@code suffix}. */
  public String name(String suffix) {
    return prefix + suffix;
  }

  /** {@code ip netns exec NAME} before {@code command}. */
  public List<String> exec(String suffix, List<String> command) {
    List<String> all = new ArrayList<>(List.of(IP, "netns", "exec", name(suffix)));
    all.addAll(command);
    return all;
  }

  private void add(String ns) {
    String refused = attempt(List.of(IP, "netns", "add", ns));
    if (refused != null) {
      Assumptions.abort(
          "LSD's namespace tests need root and iproute2's `ip netns add` (" + refused + ")");
    }
    made.add(ns);
  }

  private void up(String ns, String link, String address) {
    run("-n", ns, "link", "set", "lo", "up");
    run("-n", ns, "addr", "add", address, "dev", link);
    run("-n", ns, "link", "set", link, "up");
    run("-n", ns, "route", "add", "224.0.0.0/4", "dev", link);
  }

  private static void run(String... args) {
    List<String> command = new ArrayList<>(List.of(IP));
    command.addAll(List.of(args));
    String failed = attempt(command);
    if (failed != null) {
      throw new AssertionError(String.join(" ", command) + " failed: " + failed);
    }
  }

  /** Runs {@code command}: null when it succeeds, else what it said. */
  private static String attempt(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out";
      }
      return process.exitValue() == 0 ? null : out.strip() + " (exit " + process.exitValue() + ")";
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** Deletes every namespace made, and with them their links. */
  @Override
  public void close() {
    for (String ns : made.reversed()) {
      attempt(List.of(IP, "netns", "del", ns));
    }
    made.clear();
  }
}
