package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.RejectRequest;
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
 * Under BEP 6 every request is answered once, by its block or by a reject, in order. A piece
 * withdrawn (its requests cancelled) and wanted again before the rejects of those cancels arrive
 * must take them as the old requests' answers: taken for the new requests, they left the piece
 * refused by a seed that never unchokes anew, and the fetch waited for good. A scripted peer on a
 * raw socket plays the seed, so the order of the messages is the test's.
 */
class CancelAnswersTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int PIECE = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void rejectsOfCancelledRequestsDoNotRefuseThePieceAskedAgain() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 2 * PIECE, 21);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
        Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      server.setSoTimeout(60_000);
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
      try (Socket socket = server.accept()) {
        socket.setSoTimeout(60_000);
        MessageReader in =
            new MessageReader(
                socket.getInputStream(), WireLimits.forPieces(torrent.tree().pieceCount()));
        OutputStream out = socket.getOutputStream();
        in.readHandshake();
        out.write(
            new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random())
                .encode());
        out.write(MessageCodec.encode(Signal.HAVE_ALL));
        out.write(MessageCodec.encode(Signal.UNCHOKE));
        out.flush();

        CompletableFuture<ByteBuffer> first = session.fetch(0);
        List<BlockRef> asked = read(in, Request.class, PiecePicker.MIN_PIPELINE);
        first.cancel(true);
        List<BlockRef> cancelled = read(in, Cancel.class, asked.size());
        assertThat(cancelled).containsExactlyInAnyOrderElementsOf(asked);
        CompletableFuture<ByteBuffer> again = session.fetch(0);
        List<BlockRef> askedAgain = read(in, Request.class, PiecePicker.MIN_PIPELINE);

        // Now the answers to the cancels, then every block asked from here on.
        for (BlockRef ref : cancelled) {
          out.write(MessageCodec.encode(new RejectRequest(ref)));
        }
        List<BlockRef> toServe = new ArrayList<>(askedAgain);
        Thread.ofVirtual()
            .start(() -> {
              try {
                serve(in, out, content, toServe, again);
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

  /** Reads until {@code count} messages of {@code type} came; the others are dropped. */
  private static List<BlockRef> read(MessageReader in, Class<?> type, int count)
      throws IOException {
    List<BlockRef> refs = new ArrayList<>();
    while (refs.size() < count) {
      Message m = in.read();
      if (m instanceof Request r && type == Request.class) {
        refs.add(r.block());
      } else if (m instanceof Cancel c && type == Cancel.class) {
        refs.add(c.block());
      }
    }
    return refs;
  }

  /** Serves {@code first}, then every request that comes, until the fetch is done. */
  private static void serve(
      MessageReader in,
      OutputStream out,
      byte[] content,
      List<BlockRef> first,
      CompletableFuture<ByteBuffer> done)
      throws IOException {
    for (BlockRef ref : first) {
      send(out, content, ref);
    }
    while (!done.isDone()) {
      if (in.read() instanceof Request r) {
        send(out, content, r.block());
      }
    }
  }

  private static void send(OutputStream out, byte[] content, BlockRef ref) throws IOException {
    int from = ref.piece() * PIECE + ref.begin();
    out.write(
        MessageCodec.encode(
            new Piece(ref.piece(), ref.begin(), ByteBuffer.wrap(content, from, ref.length()))));
    out.flush();
  }
}
