package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch of a piece the local copy holds already (the engine wrote it through another response)
 * reads it here, checked: peers are never asked for a piece announced as ours, and such a fetch
 * waited on them until its timeout. A local piece that fails its check is asked of peers.
 */
class LocalCopyFetchTest {
  private static final int PIECE = 4 * Wanted.BLOCK;

  @TempDir Path dir;

  /**
   * The engine's copy of {@code file} so far: {@code held} pieces, read as {@code file} has them.
   */
  private record Partial(Path file, BitSet held) implements LocalPieces {
    @Override
    public boolean has(int piece) {
      return held.get(piece);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
      try (FileChannel channel = FileChannel.open(file)) {
        while (dst.hasRemaining()) {
          if (channel.read(dst, offset + dst.position()) < 0) {
            throw new IOException("past the end");
          }
        }
      }
    }
  }

  @Test
  void aPieceTheLocalCopyHoldsIsReadHereWithNoPeer() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 8 * PIECE, 52);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    BitSet held = new BitSet();
    held.set(2);
    held.set(5);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, new Partial(file, held));

      CompletableFuture<ByteBuffer> here = session.fetch(5);
      assertThat(bytes(here.get(60, TimeUnit.SECONDS)))
          .isEqualTo(Arrays.copyOfRange(content, 5 * PIECE, 6 * PIECE));
      assertThat(session.fetch(3)).as("not held here, and no peer").isNotDone();
    }
  }

  @Test
  void aLocalPieceThatFailsItsCheckIsAskedOfPeers() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 8 * PIECE, 53);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    // The local copy of piece 2 changed under Ferry since it was announced.
    Path changed = dir.resolve("changed");
    byte[] damaged = content.clone();
    damaged[2 * PIECE + 7] ^= 1;
    Files.write(changed, damaged);
    BitSet held = new BitSet();
    held.set(2);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, new Partial(changed, held));
      try (ScriptedPeer seed = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL)) {
        CompletableFuture<ByteBuffer> fetched = session.fetch(2);
        // Its four blocks are asked of the peer (with others, fetched ahead): all are answered.
        int blocksOfTwo = 0;
        while (blocksOfTwo < PIECE / Wanted.BLOCK) {
          for (BlockRef ref : seed.requests(1)) {
            seed.send(content, ref);
            blocksOfTwo += ref.piece() == 2 ? 1 : 0;
          }
        }
        assertThat(bytes(fetched.get(60, TimeUnit.SECONDS)))
            .isEqualTo(Arrays.copyOfRange(content, 2 * PIECE, 3 * PIECE));
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
