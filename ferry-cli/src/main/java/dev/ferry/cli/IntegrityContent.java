package dev.ferry.cli;

import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * {@code ferry get --integrity}: DO's IntegrityCheckInfo (what {@code ferry do hash} prints) made
 * into the content description peers share the file by. Its piece-hash file must be of version 2
 * (BitTorrent v2's hashes): the canonical torrent of that content follows from it alone, the same
 * one {@code ferry do seed} offers, so every Ferry node that has the file joins one swarm.
 */
final class IntegrityContent {
  /** The longest piece-hash file read: 32 bytes a piece, a 64 GiB file at 16 KiB pieces. */
  private static final int MAX_HASH_FILE = 128 << 20;

  private IntegrityContent() {}

  /**
   * The canonical torrent of the content {@code json} describes, for a download from {@code url}
   * (null when the file comes from peers alone: then the piece-hash file's address must be
   * absolute).
   *
   * @throws IllegalArgumentException with the reason it cannot be had
   */
  static SingleFileTorrent of(String json, String url) throws IOException {
    IntegrityCheckInfo info = IntegrityCheckInfo.parse(json);
    URI location = url != null ? info.resolve(url) : URI.create(info.hashFileUrl());
    if (!location.isAbsolute()) {
      throw new IllegalArgumentException(
          "the piece-hash file's address " + location + " is relative, and there is no URL");
    }
    PieceHashes hashes = info.verify(read(location));
    if (hashes.tree() == null || hashes.tree().root() == null) {
      throw new IllegalArgumentException(
          "the piece-hash file is of version 1 (SHA-256 per piece): peers need version 2"
              + " ('ferry do hash' writes it)");
    }
    return CanonicalTorrent.of(hashes.tree());
  }

  private static byte[] read(URI location) throws IOException {
    String scheme = location.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (scheme.equals("file")) {
      Path path = Path.of(location);
      if (Files.size(path) > MAX_HASH_FILE) {
        throw new IllegalArgumentException(path + " is too large for a piece-hash file");
      }
      return Files.readAllBytes(path);
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("cannot fetch the piece-hash file over " + scheme);
    }
    try (CloseableHttpClient http = HttpClients.createSystem()) {
      return http.execute(
          new HttpGet(location),
          response -> {
            if (response.getCode() != 200 || response.getEntity() == null) {
              throw new IOException(location + " answered " + response.getCode());
            }
            try (InputStream in = response.getEntity().getContent()) {
              byte[] body = in.readNBytes(MAX_HASH_FILE + 1);
              if (body.length > MAX_HASH_FILE) {
                throw new IOException(location + " is too large for a piece-hash file");
              }
              return body;
            }
          });
    }
  }
}
