package dev.ferry.swarm.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test files and whole-file fetches for the session tests. */
final class SwarmFiles {
  /** How long a whole fetch may take on a loaded machine: a bound, not a measurement. */
  static final long FETCH_SECONDS = 90;

  private SwarmFiles() {}

  /** {@code size} random bytes (from {@code seed}) in {@code file}. */
  static byte[] write(Path file, int size, long seed) throws IOException {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    Files.write(file, content);
    return content;
  }

  /** Fetches every piece of the session's torrent at once and puts them together. */
  static byte[] fetchAll(TorrentSession session) throws Exception {
    int pieces = session.torrent().tree().pieceCount();
    List<CompletableFuture<ByteBuffer>> fetches = new ArrayList<>();
    for (int piece = 0; piece < pieces; piece++) {
      fetches.add(session.fetch(piece));
    }
    ByteBuffer whole = ByteBuffer.allocate(Math.toIntExact(session.torrent().length()));
    for (CompletableFuture<ByteBuffer> fetch : fetches) {
      whole.put(fetch.get(FETCH_SECONDS, TimeUnit.SECONDS));
    }
    return whole.array();
  }
}
