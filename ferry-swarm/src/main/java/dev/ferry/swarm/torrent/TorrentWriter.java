package dev.ferry.swarm.torrent;

import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.Bencoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a torrent file: the info dictionary and {@code piece layers}, nothing else (no announce
 * URL, no creation date), so that the same torrent always gives the same bytes.
 */
public final class TorrentWriter {
  private TorrentWriter() {}

  public static byte[] encode(SingleFileTorrent torrent) {
    BDict.Builder layers = BDict.builder();
    // BEP 52: a file no larger than one piece has no entry (its root covers it); the dictionary
    // itself is always there, since a torrent without it is invalid.
    byte[] layer = torrent.tree().pieceLayer();
    if (layer.length > 0) {
      layers.put(BString.of(torrent.tree().root()), BString.of(layer));
    }
    return Bencoder.encode(
        BDict.builder().put("info", torrent.info()).put("piece layers", layers.build()).build());
  }

  public static void write(SingleFileTorrent torrent, Path file) throws IOException {
    Files.write(file, encode(torrent));
  }
}
