package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under BEP 6 every request is answered once, by its block or by a reject, in order. A piece
 * withdrawn (its requests cancelled) and wanted again before the rejects of those cancels arrive
 * must take them as the old requests' answers: taken for the new requests, they left the piece
 * refused by a seed that never unchokes anew, and the fetch waited for good. A {@link ScriptedPeer}
 * plays the seed, so the order of the messages is the test's.
 */
class CancelAnswersTest {
  private static final int PIECE = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void rejectsOfCancelledRequestsDoNotRefuseThePieceAskedAgain() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 2 * PIECE, 21);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      try (ScriptedPeer seed = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL)) {
        CompletableFuture<ByteBuffer> first = session.fetch(0);
        List<BlockRef> asked = seed.requests(PiecePicker.MIN_PIPELINE);
        first.cancel(true);
        List<BlockRef> cancelled = seed.cancels(asked.size());
        assertThat(cancelled).containsExactlyInAnyOrderElementsOf(asked);
        CompletableFuture<ByteBuffer> again = session.fetch(0);
        List<BlockRef> askedAgain = seed.requests(PiecePicker.MIN_PIPELINE);

        // Now the answers to the cancels, then every block asked from here on.
        for (BlockRef ref : cancelled) {
          seed.write(new RejectRequest(ref));
        }
        List<BlockRef> toServe = new ArrayList<>(askedAgain);
        Thread.ofVirtual()
            .start(() -> {
              try {
                serve(seed, content, toServe, again);
              } catch (IOException e) {
                again.completeExceptionally(e);
              }
            });

        ByteBuffer got = again.get(60, TimeUnit.SECONDS);
        byte[] bytes = new byte[got.remaining()];
        got.get(bytes);
        assertThat(bytes).isEqualTo(Arrays.copyOf(content, PIECE));
      }
    }
  }

  /** Serves {@code first}, then every request that comes, until the fetch is done. */
  private static void serve(
      ScriptedPeer seed, byte[] content, List<BlockRef> first, CompletableFuture<ByteBuffer> done)
      throws IOException {
    for (BlockRef ref : first) {
      seed.send(content, ref);
    }
    while (!done.isDone()) {
      if (seed.read() instanceof Request r) {
        seed.send(content, r.block());
      }
    }
  }
}
