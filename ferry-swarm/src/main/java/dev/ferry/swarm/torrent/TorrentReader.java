package dev.ferry.swarm.torrent;

import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.BencodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a single-file BitTorrent v2 torrent made by any client: pure v2, or hybrid v1+v2 (whose v2
 * part it reads and whose v1 part it leaves alone). Everything a piece check or a swarm relies on
 * is validated: the meta version first (as BEP 52 asks), a piece length that is a power of two of
 * at least 16 KiB, one non-empty file with a pieces root, and a piece layer whose size fits the
 * file and whose hashes reduce to the root. Anything else is refused with a {@link
 * TorrentException} that says why.
 *
 * <p>The file must be canonical bencode: the info-hash is then the hash of the info dictionary
 * encoded again, which is the substring the file holds (BEP 52 allows refusing invalid files rather
 * than hashing their raw bytes).
 */
public final class TorrentReader {
  /**
   * The largest torrent read: a piece layer is 32 bytes a piece, so this covers a 128 GiB file at
   * 16 KiB pieces, or far larger files at the usual piece sizes.
   */
  public static final int MAX_TORRENT_SIZE = 256 << 20;

  private TorrentReader() {}

  public static SingleFileTorrent read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_TORRENT_SIZE) {
      throw new TorrentException(
          file + " has " + size + " bytes; a torrent has at most " + MAX_TORRENT_SIZE);
    }
    return read(Files.readAllBytes(file));
  }

  public static SingleFileTorrent read(byte[] encoded) {
    if (encoded.length > MAX_TORRENT_SIZE) {
      throw new TorrentException("a torrent has at most " + MAX_TORRENT_SIZE + " bytes");
    }
    BValue top;
    try {
      top = Bdecoder.decode(encoded);
    } catch (BencodeException e) {
      throw new TorrentException("not a torrent (canonical bencode): " + e.getMessage(), e);
    }
    BDict torrent = dict(top, "the torrent");
    BDict info = dict(torrent.get("info"), "info");
    checkMetaVersion(info);
    long pieceLength = integer(info, "piece length");
    try {
      Bep52Tree.checkPieceSize(pieceLength);
    } catch (IllegalArgumentException e) {
      throw new TorrentException("piece length: " + e.getMessage());
    }
    BString name = string(info.get("name"), "name");
    FileNames.check(name);
    Map.Entry<BString, BDict> file = onlyFile(dict(info.get("file tree"), "file tree"));
    long length = integer(file.getValue(), "length");
    if (length < 0) {
      throw new TorrentException("negative file length " + length);
    }
    if (length == 0) {
      throw new TorrentException("the torrent's one file is empty: there is nothing to share");
    }
    BString root = string(file.getValue().get("pieces root"), "pieces root");
    if (root.length() != 32) {
      throw new TorrentException("pieces root has " + root.length() + " bytes, not 32");
    }
    BDict layers = dict(torrent.get("piece layers"), "piece layers");
    BValue layer = layers.entries().get(root);
    byte[] layerBytes = new byte[0];
    if (length > pieceLength) {
      layerBytes = string(layer, "the piece layer of " + root).bytes();
    }
    try {
      Bep52Tree tree = Bep52Tree.of(length, (int) pieceLength, root.bytes(), layerBytes);
      return new SingleFileTorrent(info, file.getKey(), tree);
    } catch (IllegalArgumentException e) {
      throw new TorrentException(e.getMessage(), e);
    }
  }

  /** BEP 52: the meta version is checked before anything else. */
  private static void checkMetaVersion(BDict info) {
    BValue version = info.get("meta version");
    if (version == null) {
      throw new TorrentException(
          info.has("pieces")
              ? "a BitTorrent v1 torrent; Ferry reads v2 (BEP 52) torrents only"
              : "info has no meta version: not a BitTorrent v2 torrent");
    }
    if (!(version instanceof BInteger(long value))) {
      throw new TorrentException("meta version is not an integer");
    }
    if (value > 2) {
      throw new TorrentException(
          "meta version " + value + " is newer than Ferry reads (BEP 52's version 2)");
    }
    if (value != 2) {
      throw new TorrentException("unknown meta version " + value);
    }
  }

  /** The one file of a single-file tree: {name: {"": {length, pieces root}}}. */
  private static Map.Entry<BString, BDict> onlyFile(BDict tree) {
    if (tree.size() != 1) {
      throw new TorrentException(
          "the file tree has "
              + tree.size()
              + " entries; Ferry reads single-file torrents only, for now");
    }
    Map.Entry<BString, BValue> entry = tree.entries().entrySet().iterator().next();
    FileNames.check(entry.getKey());
    BDict node = dict(entry.getValue(), "the file tree's " + entry.getKey());
    if (node.size() != 1 || !node.has("")) {
      throw new TorrentException(
          entry.getKey() + " is a directory; Ferry reads single-file torrents only, for now");
    }
    BDict file = dict(node.get(""), "the file " + entry.getKey());
    if (!file.has("length")) {
      throw new TorrentException("the file " + entry.getKey() + " has no length");
    }
    return Map.entry(entry.getKey(), file);
  }

  private static BDict dict(BValue value, String what) {
    if (value instanceof BDict dict) {
      return dict;
    }
    throw new TorrentException(what + (value == null ? " is missing" : " is not a dictionary"));
  }

  private static BString string(BValue value, String what) {
    if (value instanceof BString string) {
      return string;
    }
    throw new TorrentException(what + (value == null ? " is missing" : " is not a string"));
  }

  private static long integer(BDict dict, String key) {
    BValue value = dict.get(key);
    if (value instanceof BInteger(long v)) {
      return v;
    }
    throw new TorrentException(key + (value == null ? " is missing" : " is not an integer"));
  }
}
