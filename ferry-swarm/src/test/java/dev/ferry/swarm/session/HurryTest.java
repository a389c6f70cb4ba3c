package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * A piece a fetch in order waits on ({@link TorrentSession#hurry}) is asked before the other wanted
 * pieces, even one already begun, and of an idle peer that has it while its blocks wait on another.
 * Scripted peers on raw sockets play the seeds, so what is asked of each is the test's to see.
 */
class HurryTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  @Test
  void aHurriedPieceIsAskedBeforeOneBegun() throws Exception {
    int piece = 2 * PiecePicker.MIN_PIPELINE * Wanted.BLOCK;
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 2 * piece, 31);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
        Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      server.setSoTimeout(60_000);
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
      try (Socket socket = server.accept()) {
        ScriptedSeed seed = ScriptedSeed.greet(socket, torrent, Signal.HAVE_ALL);

        session.fetch(0);
        // A pipeline's worth of piece 0: half of it, begun.
        List<BlockRef> asked = seed.requests(PiecePicker.MIN_PIPELINE);
        assertThat(asked).allMatch(ref -> ref.piece() == 0);
        session.fetch(1);
        session.hurry(1);
        seed.send(content, piece, asked.getFirst());

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
    try (ServerSocket slowServer = new ServerSocket(0, 1, LOOPBACK);
        ServerSocket idleServer = new ServerSocket(0, 1, LOOPBACK);
        Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      slowServer.setSoTimeout(60_000);
      idleServer.setSoTimeout(60_000);
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, slowServer.getLocalPort()));
      try (Socket slowSocket = slowServer.accept()) {
        ScriptedSeed slow = ScriptedSeed.greet(slowSocket, torrent, Signal.HAVE_ALL);
        CompletableFuture<ByteBuffer> head = session.fetch(0);
        // Every block of piece 0 is asked of the slow seed, which sends none of them.
        assertThat(slow.requests(PiecePicker.MIN_PIPELINE)).allMatch(ref -> ref.piece() == 0);
        // Piece 1 keeps blocks unasked, so this is no endgame.
        session.fetch(1);

        session.connect(new InetSocketAddress(LOOPBACK, idleServer.getLocalPort()));
        try (Socket idleSocket = idleServer.accept()) {
          // It has piece 0 only: without the hurry it has nothing to be asked for.
          ScriptedSeed idle =
              ScriptedSeed.greet(idleSocket, torrent, new Bitfield(new byte[] {(byte) 0x80}));
          session.hurry(0);

          List<BlockRef> asked = idle.requests(PiecePicker.MIN_PIPELINE);
          assertThat(asked).allMatch(ref -> ref.piece() == 0).doesNotHaveDuplicates();
          for (BlockRef ref : asked) {
            idle.send(content, piece, ref);
          }
          ByteBuffer got = head.get(60, TimeUnit.SECONDS);
          byte[] bytes = new byte[got.remaining()];
          got.get(bytes);
          assertThat(bytes).isEqualTo(Arrays.copyOf(content, piece));
        }
      }
    }
  }

  /** A seed on a raw socket: it greets, unchokes, and answers only what the test tells it to. */
  private record ScriptedSeed(MessageReader in, OutputStream out) {
    static ScriptedSeed greet(Socket socket, SingleFileTorrent torrent, Message has)
        throws IOException {
      socket.setSoTimeout(60_000);
      MessageReader in =
          new MessageReader(
              socket.getInputStream(), WireLimits.forPieces(torrent.tree().pieceCount()));
      OutputStream out = socket.getOutputStream();
      in.readHandshake();
      out.write(
          new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random()).encode());
      out.write(MessageCodec.encode(has));
      out.write(MessageCodec.encode(Signal.UNCHOKE));
      out.flush();
      return new ScriptedSeed(in, out);
    }

    /** The next {@code count} requests; other messages are dropped. */
    List<BlockRef> requests(int count) throws IOException {
      List<BlockRef> refs = new ArrayList<>();
      while (refs.size() < count) {
        if (in.read() instanceof Request r) {
          refs.add(r.block());
        }
      }
      return refs;
    }

    void send(byte[] content, int pieceSize, BlockRef ref) throws IOException {
      int from = ref.piece() * pieceSize + ref.begin();
      out.write(
          MessageCodec.encode(
              new Piece(ref.piece(), ref.begin(), ByteBuffer.wrap(content, from, ref.length()))));
      out.flush();
    }
  }
}
