package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.spi.SourceKind;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swarm's upload account (a monthly cap, in ferryd) counts every byte sent to peers by kind of
 * peer, and while it refuses a kind, peers of that kind stay choked and get nothing; once it allows
 * again, they are served. Peers of other kinds are served meanwhile.
 */
class UploadAccountTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir Path dir;

  /** Refuses peers of one kind until allowed; counts what was sent, by kind. */
  private static final class Account implements UploadAccount {
    final SourceKind refused;
    final AtomicBoolean allowed = new AtomicBoolean();
    final Map<SourceKind, Long> sent = new ConcurrentHashMap<>();

    Account(SourceKind refused) {
      this.refused = refused;
    }

    @Override
    public boolean mayUpload(SourceKind peer) {
      return allowed.get() || !peer.equals(refused);
    }

    @Override
    public void uploaded(SourceKind peer, long bytes) {
      sent.merge(peer, bytes, Long::sum);
    }

    long sent(SourceKind kind) {
      return sent.getOrDefault(kind, 0L);
    }
  }

  /**
   * A seeder counting its uploads with {@code account}, and a leecher's session connected to it.
   */
  private record Pair(Swarm seeder, Swarm leecher, TorrentSession session)
      implements AutoCloseable {
    static Pair start(Account account, Path file, SingleFileTorrent torrent) throws Exception {
      SwarmSettings base = SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
      Swarm seeder = Swarm.start(base.withUploads(account));
      Swarm leecher = Swarm.start(base.withPort(-1));
      seeder.add(torrent, LocalPieces.ofFile(file));
      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      return new Pair(seeder, leecher, session);
    }

    @Override
    public void close() {
      leecher.close();
      seeder.close();
    }
  }

  private static byte[] bytesOf(CompletableFuture<ByteBuffer> piece) throws Exception {
    ByteBuffer got = piece.get(60, java.util.concurrent.TimeUnit.SECONDS);
    byte[] bytes = new byte[got.remaining()];
    got.get(bytes);
    return bytes;
  }

  @Test
  void aRefusingAccountKeepsPeersChokedAndCountsWhatIsSentOnceItAllows() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 1024 * 1024, 9);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 256 * 1024);
    // A peer on loopback is a LAN peer.
    Account account = new Account(SourceKind.LAN_PEER);
    try (Pair pair = Pair.start(account, file, torrent)) {
      TorrentSession session = pair.session();
      await().atMost(Duration.ofSeconds(60)).until(() -> session.held(0) > 0);
      CompletableFuture<ByteBuffer> piece = session.fetch(0);
      // The leecher wants the piece from a peer it knows has it; the seeder holds it back.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> session.peers().stream().anyMatch(PeerView::interested));
      assertThat(session.peers()).allSatisfy(peer -> assertThat(peer.choked()).isTrue());
      assertThat(piece).isNotDone();
      assertThat(account.sent).isEmpty();

      account.allowed.set(true);
      assertThat(bytesOf(piece)).isEqualTo(java.util.Arrays.copyOf(content, 256 * 1024));
      assertThat(account.sent(SourceKind.LAN_PEER)).isGreaterThanOrEqualTo(256 * 1024);
      assertThat(session.kindOf(0)).isEqualTo(SourceKind.LAN_PEER);
      assertThat(
              pair.seeder()
                  .find(torrent.infoHash())
                  .orElseThrow()
                  .stats()
                  .uploaded(SourceKind.LAN_PEER))
          .isGreaterThanOrEqualTo(256 * 1024);
    }
  }

  @Test
  void anAccountThatRefusesInternetPeersServesThoseOfTheLan() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 512 * 1024, 10);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 256 * 1024);
    Account account = new Account(SourceKind.PEER);
    try (Pair pair = Pair.start(account, file, torrent)) {
      TorrentSession session = pair.session();
      assertThat(bytesOf(session.fetch(1)))
          .isEqualTo(java.util.Arrays.copyOfRange(content, 256 * 1024, 512 * 1024));
      assertThat(account.sent(SourceKind.LAN_PEER)).isGreaterThanOrEqualTo(256 * 1024);
      assertThat(account.sent(SourceKind.PEER)).isZero();
    }
  }
}
