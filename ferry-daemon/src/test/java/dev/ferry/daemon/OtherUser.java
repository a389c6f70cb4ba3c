package dev.ferry.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Requests sent as another local user ({@code runuser -u USER}), so the daemon sees that user's uid
 * in the socket's credentials. Uses curl when installed, else a tiny JDK-only client run from
 * source (the test's classpath under /root is not readable by other users).
 */
final class OtherUser {
  static final String NAME = "ferrytest1";

  private final Path socket;
  private final Path scratch;

  OtherUser(Path socket, Path scratch) {
    this.socket = socket;
    this.scratch = scratch;
  }

  /** A second throw-away user, for checks that need two users besides root. */
  static final String SECOND = "ferrytest2";

  /** Creates the throw-away system user when it does not exist yet. */
  static void ensureExists() {
    ensureExists(NAME);
  }

  static void ensureExists(String name) {
    if (run(List.of("id", "-u", name)).exitCode() == 0) {
      return;
    }
    Result created =
        run(
            List.of(
                "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name));
    if (created.exitCode() != 0 && run(List.of("id", "-u", name)).exitCode() != 0) {
      throw new IllegalStateException("useradd failed: " + created.output());
    }
  }

  static long uid() {
    return uid(NAME);
  }

  static long uid(String name) {
    return Long.parseLong(run(List.of("id", "-u", name)).output().strip());
  }

  /**
   * Sends {@code request} (a whole HTTP/1.1 request that asks to close the connection) as {@code
   * user} to a TCP port on 127.0.0.1, with bash's /dev/tcp; the raw reply.
   */
  static String sendTcp(String user, int port, String request) {
    Result result =
        run(
            List.of(
                "runuser",
                "-u",
                user,
                "--",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/127.0.0.1/$1 && printf '%s' \"$2\" >&3 && timeout 30 cat <&3",
                "send",
                Integer.toString(port),
                request));
    if (result.exitCode() != 0 && result.output().isEmpty()) {
      throw new IllegalStateException("request as " + user + " failed: " + result.output());
    }
    return result.output();
  }

  static boolean hasCurl() {
    return run(List.of("sh", "-c", "command -v curl")).exitCode() == 0;
  }

  record Result(int exitCode, String output) {}

  /** The status and body of a request sent as the other user. */
  UnixHttp.Response send(String method, String path, String body) {
    List<String> command = new ArrayList<>(List.of("runuser", "-u", NAME, "--"));
    if (hasCurl()) {
      command.addAll(List.of("curl", "-sS", "--unix-socket", socket.toString(), "-X", method));
      if (body != null) {
        command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
      }
      command.addAll(List.of("-w", "\n%{http_code}", "http://localhost" + path));
    } else {
      command.addAll(
          List.of(
              ProcessHandle.current().info().command().orElseThrow(),
              tinyClient().toString(),
              socket.toString(),
              method,
              path));
      if (body != null) {
        command.add(body);
      }
    }
    Result result = run(command);
    String out = result.output();
    int newline = out.lastIndexOf('\n');
    if (result.exitCode() != 0 || newline < 0) {
      throw new IllegalStateException("request as " + NAME + " failed: " + out);
    }
    return new UnixHttp.Response(
        Integer.parseInt(out.substring(newline + 1).strip()), out.substring(0, newline), null);
  }

  /** Starts a streaming request as the other user, its output going to {@code output}. */
  Process stream(String path, Path output) throws IOException {
    return new ProcessBuilder(
            "runuser",
            "-u",
            NAME,
            "--",
            "curl",
            "-sSN",
            "--max-time",
            "60",
            "--unix-socket",
            socket.toString(),
            "-H",
            "Accept: text/event-stream",
            "http://localhost" + path)
        .redirectOutput(output.toFile())
        .redirectErrorStream(true)
        .start();
  }

  private Path tinyClient() {
    Path source = scratch.resolve("TinyUnixClient.java");
    try {
      if (!Files.exists(source)) {
        Files.writeString(source, TINY_CLIENT);
        source.toFile().setReadable(true, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return source;
  }

  static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, out);
      }
      return new Result(process.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  /** HTTP/1.1 over a Unix socket with the JDK alone; prints the body, a newline, the status. */
  private static final String TINY_CLIENT =
      """
      import java.io.*;
      import java.net.*;
      import java.nio.*;
      import java.nio.channels.*;
      import java.nio.charset.StandardCharsets;

      public class TinyUnixClient {
        public static void main(String[] a) throws Exception {
          byte[] body = a.length > 3 ? a[3].getBytes(StandardCharsets.UTF_8) : new byte[0];
          String head = a[1] + " " + a[2] + " HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n"
              + "Content-Type: application/json\\r\\nContent-Length: " + body.length + "\\r\\n\\r\\n";
          try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(a[0]));
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ch.write(ByteBuffer.wrap(body));
            String response = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String rest = response.substring(response.indexOf("\\r\\n\\r\\n") + 4);
            if (response.toLowerCase().contains("transfer-encoding: chunked")) {
              StringBuilder out = new StringBuilder();
              for (int i = 0; ; ) {
                int eol = rest.indexOf("\\r\\n", i);
                int size = Integer.parseInt(rest.substring(i, eol).trim(), 16);
                if (size == 0) break;
                out.append(rest, eol + 2, eol + 2 + size);
                i = eol + 2 + size + 2;
              }
              rest = out.toString();
            }
            System.out.print(rest + "\\n" + status);
          }
        }
      }
      """;
}
