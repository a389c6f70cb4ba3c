package dev.ferry.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, read from /proc: the inodes of the process's socket
 * descriptors matched against the LISTEN entries of /proc/net/tcp and tcp6.
 */
final class Listeners {
  private Listeners() {}

  /** A listening TCP socket: the address in /proc's hexadecimal form, and the port. */
  record Listener(String hexAddress, int port) {}

  static List<Listener> tcpListenersOf(long pid) {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", "" + pid, "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // The descriptor went away while we looked.
        }
      }
      List<Listener> listeners = new ArrayList<>();
      for (String table : List.of("tcp", "tcp6")) {
        Path file = Path.of("/proc", "" + pid, "net", table);
        if (!Files.exists(file)) {
          continue;
        }
        // Read once: the table changes as sockets come and go, so a second read may be longer.
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
          String[] f = line.trim().split("\\s+");
          // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
          if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
            String[] local = f[1].split(":");
            listeners.add(new Listener(local[0], Integer.parseInt(local[1], 16)));
          }
        }
      }
      return listeners;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
