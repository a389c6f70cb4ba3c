package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.mse.CryptoMethod;
import dev.ferry.swarm.mse.MseInitiator;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swarm accepts MSE's obfuscated handshake (the tests' initiator, as libtorrent opens its
 * connections) on its listening socket beside plain ones: plaintext or RC4 after it, the BitTorrent
 * handshake in the initial payload or after it, and a block served through it; a torrent it does
 * not serve is refused.
 */
class SwarmMseTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int READ_TIMEOUT_MS = 60_000;
  private static final int BLOCK = 16 * 1024;

  @TempDir Path dir;

  @Test
  void plaintextSelectedAndTheHandshakeAfterIt() throws Exception {
    servesABlock(0x03, false, CryptoMethod.PLAINTEXT);
  }

  @Test
  void rc4SelectedAndTheHandshakeInTheInitialPayload() throws Exception {
    servesABlock(0x02, true, CryptoMethod.RC4);
  }

  @Test
  void rc4SelectedAndTheHandshakeAfterIt() throws Exception {
    servesABlock(0x02, false, CryptoMethod.RC4);
  }

  @Test
  void aTorrentTheSwarmDoesNotServeIsRefused() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 100_000, 12);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 64 * 1024);
    try (Swarm seeder = Swarm.start(settings())) {
      seeder.add(torrent, LocalPieces.ofFile(file));
      byte[] other = torrent.infoHash().truncated();
      other[0] ^= 1;
      try (Socket socket = connect(seeder)) {
        MseInitiator a = new MseInitiator(other, new Random(3));
        assertThatThrownBy(() -> a.connect(socket.getInputStream(), socket.getOutputStream()))
            .isInstanceOf(IOException.class);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> seeder.totals().connections() == 0);
    }
  }

  private void servesABlock(int provide, boolean handshakeInPayload, CryptoMethod expected)
      throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 300_000, 11);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 64 * 1024);
    try (Swarm seeder = Swarm.start(settings())) {
      TorrentSession seed = seeder.add(torrent, LocalPieces.ofFile(file));
      byte[] ours =
          new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random()).encode();
      try (Socket socket = connect(seeder)) {
        MseInitiator a = new MseInitiator(torrent.infoHash().truncated(), new Random(provide));
        a.provide = provide;
        a.padA = 33;
        a.padC = 5;
        if (handshakeInPayload) {
          a.initialPayload = ours;
        }
        MseInitiator.Connected c = a.connect(socket.getInputStream(), socket.getOutputStream());
        assertThat(c.method()).isEqualTo(expected);
        OutputStream out = c.out();
        if (!handshakeInPayload) {
          out.write(ours);
        }
        out.write(MessageCodec.encode(Signal.INTERESTED));
        out.flush();
        InputStream in = c.in();
        Handshake theirs = Handshake.decode(ByteBuffer.wrap(in.readNBytes(Handshake.SIZE)));
        assertThat(theirs.peerId()).isEqualTo(seeder.peerId());
        assertThat(theirs.infoHash()).isEqualTo(torrent.infoHash().truncated());

        MessageReader reader =
            new MessageReader(in, WireLimits.forPieces(torrent.tree().pieceCount()));
        for (Message m = reader.read(); m != Signal.UNCHOKE; m = reader.read()) {
          // The seed's have all and extension handshake come first.
        }
        out.write(MessageCodec.encode(new Request(new BlockRef(1, BLOCK, BLOCK))));
        out.flush();
        Message m = reader.read();
        while (!(m instanceof Piece)) {
          m = reader.read();
        }
        Piece piece = (Piece) m;
        byte[] block = new byte[piece.block().remaining()];
        piece.block().get(block);
        int at = 64 * 1024 + BLOCK;
        assertThat(block).isEqualTo(Arrays.copyOfRange(content, at, at + BLOCK));
        await().atMost(Duration.ofSeconds(30)).until(() -> seed.stats().peersConnected() == 1);
      }
    }
  }

  private static SwarmSettings settings() {
    return SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
  }

  private static Socket connect(Swarm swarm) throws IOException {
    Socket socket = new Socket(LOOPBACK, swarm.port());
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return socket;
  }
}
