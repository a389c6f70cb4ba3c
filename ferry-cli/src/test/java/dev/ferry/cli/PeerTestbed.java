package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.Libtorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What the peer tests of ferry-cli share: libtorrent (the oracle of ferry-swarm's tests), an HTTP
 * origin, a short directory for daemons' sockets, and Ferry's canonical torrents.
 */
final class PeerTestbed implements AutoCloseable {
  final Path tmp;
  final Libtorrent libtorrent;
  final TestOrigin origin;

  /** Unix socket paths are short (108 bytes): not under the deep @TempDir. */
  final Path socketDir;

  private PeerTestbed(Path tmp, Libtorrent libtorrent, TestOrigin origin, Path socketDir) {
    this.tmp = tmp;
    this.libtorrent = libtorrent;
    this.origin = origin;
    this.socketDir = socketDir;
  }

  static PeerTestbed start(Path tmp, String socketPrefix) throws IOException {
    return new PeerTestbed(
        tmp, Libtorrent.start(tmp), TestOrigin.start(), TestFiles.shortTempDir(socketPrefix));
  }

  /** Ferry's canonical torrent of {@code file} at {@code pieceSize}, by {@code ferry do hash}. */
  SingleFileTorrent canonical(Path file, Path torrent, int pieceSize) throws IOException {
    Cli.Result hashed =
        new Cli()
            .run(
                "do",
                "hash",
                file.toString(),
                "-o",
                tmp.resolve(file.getFileName() + ".phf").toString(),
                "--piece-size",
                Integer.toString(pieceSize),
                "--torrent",
                torrent.toString());
    assertThat(hashed.code()).as(hashed.toString()).isZero();
    return TorrentReader.read(torrent);
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    libtorrent.close();
    origin.close();
    TestFiles.deleteTree(socketDir);
  }
}
