package dev.ferry.swarm.content;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.engine.integrity.Bep52Tree;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What content is, whatever its name or piece size: the BEP 52 pieces root of its bytes. Empty
 * content has none (BEP 52 gives zero-length files no root), and so no swarm.
 */
public final class ContentId {
  private final byte[] root;

  private ContentId(byte[] root) {
    this.root = root;
  }

  public static ContentId of(Bep52Tree tree) {
    byte[] root = tree.root();
    if (root == null) {
      throw new IllegalArgumentException("empty content has no pieces root, so no content id");
    }
    return new ContentId(root);
  }

  /** A content id given as 64 hex digits. */
  public static ContentId parse(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    if (bytes.length != Bep52.HASH_SIZE) {
      throw new IllegalArgumentException("a content id has 64 hex digits, not " + hex.length());
    }
    return new ContentId(bytes);
  }

  public byte[] bytes() {
    return root.clone();
  }

  /** The 64 lower-case hex digits. */
  public String hex() {
    return HexFormat.of().formatHex(root);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContentId that && Arrays.equals(root, that.root);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return hex();
  }
}
