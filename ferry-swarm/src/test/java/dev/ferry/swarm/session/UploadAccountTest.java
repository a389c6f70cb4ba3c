package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swarm's upload account (a monthly cap, in ferryd) counts every byte sent to peers, and while it
 * refuses, peers stay choked and get nothing; once it allows again, they are served.
 */
class UploadAccountTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  /** Refuses until allowed; counts what was sent. */
  private static final class Account implements UploadAccount {
    final AtomicBoolean allowed = new AtomicBoolean();
    final AtomicLong sent = new AtomicLong();

    @Override
    public boolean mayUpload() {
      return allowed.get();
    }

    @Override
    public void uploaded(long bytes) {
      sent.addAndGet(bytes);
    }
  }

  @Test
  void aRefusingAccountKeepsPeersChokedAndCountsWhatIsSentOnceItAllows() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 1024 * 1024, 9);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 256 * 1024);
    Account account = new Account();
    SwarmSettings base = SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
    try (Swarm seeder = Swarm.start(base.withUploads(account));
        Swarm leecher = Swarm.start(base.withPort(-1))) {
      seeder.add(torrent, LocalPieces.ofFile(file));
      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      await().atMost(Duration.ofSeconds(60)).until(() -> session.available(0) > 0);
      CompletableFuture<ByteBuffer> piece = session.fetch(0);
      // The leecher wants the piece from a peer it knows has it; the seeder holds it back.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> session.peers().stream().anyMatch(PeerView::interested));
      assertThat(session.peers()).allSatisfy(peer -> assertThat(peer.choked()).isTrue());
      assertThat(piece).isNotDone();
      assertThat(account.sent.get()).isZero();

      account.allowed.set(true);
      ByteBuffer got = piece.get(60, java.util.concurrent.TimeUnit.SECONDS);
      byte[] bytes = new byte[got.remaining()];
      got.get(bytes);
      assertThat(bytes).isEqualTo(java.util.Arrays.copyOf(content, 256 * 1024));
      assertThat(account.sent.get()).isGreaterThanOrEqualTo(256 * 1024);
    }
  }
}
