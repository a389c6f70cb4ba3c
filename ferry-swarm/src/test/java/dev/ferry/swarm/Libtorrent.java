package dev.ferry.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * libtorrent (Debian's python3-libtorrent, which .ci/run installs) as a child process running
 * {@code libtorrent-oracle.py}: one request, one answer, as JSON lines. Where it is missing the
 * tests that need it fail under CI and are skipped elsewhere, saying what to install.
 */
public final class Libtorrent implements AutoCloseable {
  /** Debian's Python, whose packages hold libtorrent; a python3 earlier on the PATH may not. */
  private static final String PYTHON =
      Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path script;
  private final Process process;
  private final Writer requests;
  private final BufferedReader answers;

  private Libtorrent(Path script, Process process) {
    this.script = script;
    this.process = process;
    this.requests = process.outputWriter(StandardCharsets.UTF_8);
    this.answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the oracle; fails under CI, else skips the test, when libtorrent is not installed. */
  public static Libtorrent start(Path dir) throws IOException {
    assumeInstalled();
    Path script = dir.resolve("libtorrent-oracle.py");
    try (InputStream in = Libtorrent.class.getResourceAsStream("/libtorrent-oracle.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process process =
        new ProcessBuilder(PYTHON, script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new Libtorrent(script, process);
  }

  /** libtorrent's torrent of {@code file}: its root, piece layer and info-hash, or its refusal. */
  public JsonNode create(Path file, int pieceSize, boolean hybrid, Path torrent) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "create");
    request.put("path", file.toAbsolutePath().toString());
    request.put("piece", pieceSize);
    request.put("hybrid", hybrid);
    request.put("out", torrent.toAbsolutePath().toString());
    return ask(request);
  }

  /** What libtorrent reads from a torrent file: its v2 info-hash, name, piece length. */
  public JsonNode load(Path torrent) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "load");
    request.put("path", torrent.toAbsolutePath().toString());
    return ask(request);
  }

  /**
   * Seeds {@code torrent} from the file in {@code dir} on 127.0.0.1 until {@link #close}; answers
   * {@code {"port"}} (the port it listens on) once seeding, or {@code {"error"}}.
   */
  public JsonNode seed(Path torrent, Path dir) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "seed");
    request.put("path", torrent.toAbsolutePath().toString());
    request.put("dir", dir.toAbsolutePath().toString());
    return ask(request);
  }

  /**
   * Seeds as {@link #seed(Path, Path)} does, in the libtorrent session named {@code session} (each
   * its own port and peer id); {@code seedMode} skips checking the file, and {@code unchecked}
   * makes the session trust every piece, so that it serves a damaged file as it is.
   */
  public JsonNode seed(
      Path torrent, Path dir, String session, boolean seedMode, boolean unchecked) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "seed");
    request.put("path", torrent.toAbsolutePath().toString());
    request.put("dir", dir.toAbsolutePath().toString());
    request.put("session", session);
    request.put("seed_mode", seedMode);
    request.put("unchecked", unchecked);
    return ask(request);
  }

  /**
   * Seeds as {@link #seed(Path, Path)} does, in a new session named {@code session}, announcing the
   * torrent to {@code tracker} (which the torrent itself does not name).
   */
  public JsonNode seedAnnouncing(Path torrent, Path dir, String session, URI tracker) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "seed");
    request.put("path", torrent.toAbsolutePath().toString());
    request.put("dir", dir.toAbsolutePath().toString());
    request.put("session", session);
    request.put("tracker", tracker.toString());
    return ask(request);
  }

  /**
   * Seeds as {@link #seed(Path, Path)} does, in a new session named {@code session} that sends at
   * most {@code bytesPerSecond} to its peers: a download from it lasts long enough to be
   * interrupted.
   */
  public JsonNode seedLimited(Path torrent, Path dir, String session, long bytesPerSecond) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "seed");
    request.put("path", torrent.toAbsolutePath().toString());
    request.put("dir", dir.toAbsolutePath().toString());
    request.put("session", session);
    request.put("upload_rate", bytesPerSecond);
    return ask(request);
  }

  /**
   * Downloads {@code torrent} into {@code dir} from the one peer given (connect_peer), in a
   * libtorrent session named {@code session}; answers {@code {"state", "done", "encryption"}} once
   * finished (how its connections were made: see libtorrent-oracle.py), or {@code {"error"}} after
   * two minutes.
   */
  public JsonNode download(Path torrent, Path dir, String session, InetSocketAddress peer) {
    ObjectNode request = downloadRequest(dir, session, peer);
    request.put("torrent", torrent.toAbsolutePath().toString());
    return ask(request);
  }

  /**
   * As {@link #download}, in a session (made by this call) that connects with MSE and RC4 only
   * (allowed_enc_level rc4, out_enc_policy forced): no plaintext offered, no plain retry.
   */
  public JsonNode downloadRc4Only(Path torrent, Path dir, String session, InetSocketAddress peer) {
    ObjectNode request = downloadRequest(dir, session, peer);
    request.put("torrent", torrent.toAbsolutePath().toString());
    request.put("rc4_only", true);
    return ask(request);
  }

  /** As {@link #download}, from a magnet link: the metadata comes from the peer (BEP 9). */
  public JsonNode downloadMagnet(String magnet, Path dir, String session, InetSocketAddress peer) {
    ObjectNode request = downloadRequest(dir, session, peer);
    request.put("magnet", magnet);
    return ask(request);
  }

  private static ObjectNode downloadRequest(Path dir, String session, InetSocketAddress peer) {
    ObjectNode request = JSON.createObjectNode();
    request.put("op", "download");
    request.put("dir", dir.toAbsolutePath().toString());
    request.put("session", session);
    request.putArray("peer").add(peer.getAddress().getHostAddress()).add(peer.getPort());
    return request;
  }

  private JsonNode ask(ObjectNode request) {
    try {
      requests.write(request.toString() + "\n");
      requests.flush();
      String line = answers.readLine();
      if (line == null) {
        throw new AssertionError("libtorrent-oracle.py ended without an answer to " + request);
      }
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    requests.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(script);
  }

  private static void assumeInstalled() {
    dev.ferry.testkit.PythonModule.require("libtorrent", "libtorrent", "python3-libtorrent");
  }
}
