package dev.ferry.swarm.ledbat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The round-trip times of the machine's established TCP connections (of this network namespace), as
 * iproute2's {@code ss} reads them from the kernel; the caller keeps those to its peers. Where
 * {@code ss} is missing or fails, there are none, and uploads are not paced by delay.
 */
public interface SocketRtts extends AutoCloseable {
  /** The connections' readings now; empty when they cannot be read. */
  List<RttSample> read();

  /** Stops whatever the readings need (a helper process); nothing by default. */
  @Override
  default void close() {}

  /** {@code ss -tinH state established}, run by a shell kept for the readings ({@link SsShell}). */
  static SocketRtts ss() {
    return new SsShell();
  }

  /** A socket's line: receive and send queues, then the local and the remote address. */
  Pattern SOCKET = Pattern.compile("^\\s*\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)");

  /** {@code rtt:SRTT/RTTVAR}, in milliseconds. */
  Pattern RTT = Pattern.compile("\\brtt:([0-9.]+)/");

  /** {@code minrtt:MS}: the kernel's windowed minimum. */
  Pattern MIN_RTT = Pattern.compile("\\bminrtt:([0-9.]+)");

  /** {@code bytes_acked:N}. */
  Pattern ACKED = Pattern.compile("\\bbytes_acked:(\\d+)");

  /**
   * {@code ss -tinH}'s output: a line per socket, then an indented line of its TCP details. A
   * socket without an RTT (none measured yet) is left out.
   */
  static List<RttSample> parse(String out) {
    List<RttSample> samples = new ArrayList<>();
    String peer = null;
    for (String line : out.split("\n")) {
      Matcher socket = SOCKET.matcher(line);
      if (socket.find() && !line.startsWith("\t")) {
        peer = socket.group(2);
        continue;
      }
      Matcher rtt = RTT.matcher(line);
      if (peer != null && rtt.find()) {
        Matcher acked = ACKED.matcher(line);
        Matcher minRtt = MIN_RTT.matcher(line);
        try {
          samples.add(
              new RttSample(
                  address(peer),
                  (long) (Double.parseDouble(rtt.group(1)) * 1_000_000),
                  minRtt.find() ? (long) (Double.parseDouble(minRtt.group(1)) * 1_000_000) : 0,
                  acked.find() ? Long.parseLong(acked.group(1)) : 0));
        } catch (IllegalArgumentException | java.net.UnknownHostException unreadable) {
          // A line of a format this parser does not know: that socket is left out.
        }
        peer = null;
      }
    }
    return samples;
  }

  /** {@code 10.0.0.2:51234} or {@code [fd00::2]:51234}, as ss prints them. */
  private static java.net.InetSocketAddress address(String text)
      throws java.net.UnknownHostException {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int percent = host.indexOf('%');
    if (percent >= 0) {
      host = host.substring(0, percent);
    }
    return new java.net.InetSocketAddress(
        java.net.InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
  }
}
