package dev.ferry.swarm.torrent;

import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.Bencoder;

/**
 * A BitTorrent v2 torrent of one file: its info dictionary (kept whole, keys Ferry does not know
 * included, since the info-hash covers them), the file's name and its {@link Bep52Tree} (length,
 * pieces root, piece layer at the torrent's piece length).
 */
public final class SingleFileTorrent {
  private final BDict info;
  private final BString fileName;
  private final Bep52Tree tree;
  private final InfoHash infoHash;

  SingleFileTorrent(BDict info, BString fileName, Bep52Tree tree) {
    this.info = info;
    this.fileName = fileName;
    this.tree = tree;
    this.infoHash = InfoHash.ofInfo(Bencoder.encode(info));
  }

  /**
   * The torrent Ferry makes of a file: an info dictionary with only what BEP 52 requires ({@code
   * file tree}, {@code meta version}, {@code name}, {@code piece length}), {@code name} being the
   * file's name, so that its info-hash depends on the name, the content and the piece length alone.
   */
  public static SingleFileTorrent create(String name, Bep52Tree tree) {
    BString fileName = BString.of(name);
    FileNames.check(fileName);
    if (tree.length() == 0) {
      throw new TorrentException(
          "an empty file has no pieces root: BitTorrent v2 cannot make a torrent of it alone");
    }
    BDict file =
        BDict.builder().put("length", tree.length()).put("pieces root", tree.root()).build();
    BDict info =
        BDict.builder()
            .put(
                "file tree",
                BDict.builder().put(fileName, BDict.builder().put("", file).build()).build())
            .put("meta version", 2)
            .put("name", fileName)
            .put("piece length", tree.pieceSize())
            .build();
    return new SingleFileTorrent(info, fileName, tree);
  }

  /** The info dictionary, as hashed. */
  public BDict info() {
    return info;
  }

  /** The info dictionary's {@code name}: advisory, as BEP 52 says. */
  public String name() {
    return info.get("name") instanceof BString name ? name.text() : fileName.text();
  }

  /** The file's name, the one key of the {@code file tree}. */
  public String fileName() {
    return fileName.text();
  }

  public Bep52Tree tree() {
    return tree;
  }

  public long length() {
    return tree.length();
  }

  public int pieceLength() {
    return tree.pieceSize();
  }

  public InfoHash infoHash() {
    return infoHash;
  }

  /** Whether the info dictionary also describes the torrent for BitTorrent v1 (a hybrid). */
  public boolean hybrid() {
    return info.has("pieces");
  }
}
