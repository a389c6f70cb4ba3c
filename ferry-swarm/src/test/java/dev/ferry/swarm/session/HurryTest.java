package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Signal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A piece a fetch in order waits on ({@link TorrentSession#hurry}) is asked before the other wanted
 * pieces, even one already begun, and of an idle peer that has it while its blocks wait on another.
 * {@link ScriptedPeer}s play the seeds, so what is asked of each is the test's to see.
 */
class HurryTest {

  @TempDir Path dir;

  @Test
  void aHurriedPieceIsAskedBeforeOneBegun() throws Exception {
    int piece = 2 * PiecePicker.MIN_PIPELINE * Wanted.BLOCK;
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 2 * piece, 31);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      try (ScriptedPeer seed = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL)) {
        session.fetch(0);
        // A pipeline's worth of piece 0: half of it, begun.
        List<BlockRef> asked = seed.requests(PiecePicker.MIN_PIPELINE);
        assertThat(asked).allMatch(ref -> ref.piece() == 0);
        session.fetch(1);
        session.hurry(1);
        seed.send(content, asked.getFirst());

        // Piece 0 has blocks not asked for yet, but piece 1 is the one waited on.
        assertThat(seed.requests(1).getFirst().piece()).isEqualTo(1);
      }
    }
  }

  @Test
  void anIdlePeerIsAskedForAHurriedPieceWhoseBlocksWaitOnAnother() throws Exception {
    int piece = PiecePicker.MIN_PIPELINE * Wanted.BLOCK;
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 2 * piece, 32);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      try (ScriptedPeer slow = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL)) {
        CompletableFuture<ByteBuffer> head = session.fetch(0);
        // Every block of piece 0 is asked of the slow seed, which sends none of them.
        assertThat(slow.requests(PiecePicker.MIN_PIPELINE)).allMatch(ref -> ref.piece() == 0);
        // Piece 1 keeps blocks unasked, so this is no endgame.
        session.fetch(1);

        // It has piece 0 only: without the hurry it has nothing to be asked for.
        try (ScriptedPeer idle =
            ScriptedPeer.connect(session, torrent, new Bitfield(new byte[] {(byte) 0x80}))) {
          session.hurry(0);

          List<BlockRef> asked = idle.requests(PiecePicker.MIN_PIPELINE);
          assertThat(asked).allMatch(ref -> ref.piece() == 0).doesNotHaveDuplicates();
          for (BlockRef ref : asked) {
            idle.send(content, ref);
          }
          ByteBuffer got = head.get(60, TimeUnit.SECONDS);
          byte[] bytes = new byte[got.remaining()];
          got.get(bytes);
          assertThat(bytes).isEqualTo(Arrays.copyOf(content, piece));
        }
      }
    }
  }
}
