package dev.ferry.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streaming hasher against a naive tree built the way BEP 52 words it (every leaf in memory,
 * padded with zero leaves to a power of two, reduced pair by pair); libtorrent's own answers are
 * ferry-swarm's oracle test.
 */
class Bep52Test {
  private static final int KIB = 1024;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} bytes in {1}-byte pieces")
  @CsvSource({
    "1, 16384",
    "16383, 16384",
    "16384, 16384",
    "16385, 16384",
    "20000, 1048576",
    "65536, 65536",
    "65537, 65536",
    "327803, 65536",
    "327803, 16384",
    "1048576, 262144",
    "3150000, 1048576",
    "3150000, 2097152",
  })
  void theHasherBuildsTheTreeBep52Describes(int size, int pieceSize) throws Exception {
    byte[] content = random(size, size);
    Bep52Tree tree = Bep52Hasher.hash(write(content), pieceSize);

    List<byte[]> leaves = naiveLeaves(content);
    assertThat(tree.root()).isEqualTo(naiveRoot(leaves));
    int pieces = (size + pieceSize - 1) / pieceSize;
    assertThat(tree.pieceCount()).isEqualTo(pieces);
    if (pieces == 1) {
      assertThat(tree.pieceLayer()).isEmpty();
      return;
    }
    int perPiece = pieceSize / Bep52.BLOCK_SIZE;
    byte[] layer = tree.pieceLayer();
    assertThat(layer).hasSize(pieces * 32);
    for (int p = 0; p < pieces; p++) {
      List<byte[]> own =
          new ArrayList<>(
              leaves.subList(p * perPiece, Math.min(leaves.size(), (p + 1) * perPiece)));
      while (own.size() < perPiece) {
        own.add(new byte[32]);
      }
      assertThat(Arrays.copyOfRange(layer, p * 32, p * 32 + 32))
          .as("piece %d", p)
          .isEqualTo(naiveRoot(own));
    }
  }

  @Test
  void theRootDoesNotDependOnThePieceSize() throws Exception {
    Path file = write(random(1_000_003, 5));
    byte[] root = Bep52Hasher.hash(file, 16 * KIB).root();
    for (int pieceSize : new int[] {32 * KIB, 64 * KIB, 256 * KIB, 1024 * KIB, 4096 * KIB}) {
      assertThat(Bep52Hasher.hash(file, pieceSize).root()).as("%d", pieceSize).isEqualTo(root);
    }
  }

  @Test
  void anEmptyFileHasNoRootAndNoLayer() throws Exception {
    Bep52Tree tree = Bep52Hasher.hash(write(new byte[0]), 16 * KIB);
    assertThat(tree.root()).isNull();
    assertThat(tree.pieceLayer()).isEmpty();
    assertThat(tree.pieceCount()).isZero();
  }

  @Test
  void piecesAreCheckedAsMerkleRootsAndAFlippedByteFails() throws Exception {
    int pieceSize = 64 * KIB;
    byte[] content = random(5 * pieceSize + 123, 7);
    PieceHashes hashes = PieceHashes.bep52(write(content), pieceSize);
    for (int p = 0; p < hashes.pieceCount(); p++) {
      int from = p * pieceSize;
      int to = Math.min(content.length, from + pieceSize);
      assertThat(hashes.matches(p, ByteBuffer.wrap(content, from, to - from))).isTrue();
      byte[] bad = Arrays.copyOfRange(content, from, to);
      bad[bad.length / 2] ^= 1;
      assertThat(hashes.matches(p, ByteBuffer.wrap(bad))).isFalse();
      // BEP 52's piece hash is not the SHA-256 of the piece: a flat hash would not be taken.
      assertThat(Arrays.copyOfRange(hashes.tree().pieceLayer(), p * 32, p * 32 + 32))
          .isNotEqualTo(sha256(Arrays.copyOfRange(content, from, to)));
    }
    assertThat(hashes.matches(hashes.pieceCount(), ByteBuffer.wrap(content, 0, 10))).isFalse();
  }

  @Test
  void aFileOfOnePieceIsCheckedAgainstItsRoot() throws Exception {
    byte[] content = random(40_000, 8);
    PieceHashes hashes = PieceHashes.bep52(write(content), 1024 * KIB);
    assertThat(hashes.pieceCount()).isEqualTo(1);
    assertThat(hashes.matches(0, ByteBuffer.wrap(content))).isTrue();
    assertThat(hashes.matches(0, ByteBuffer.wrap(content, 0, 39_999))).isFalse();
  }

  @Test
  void version2RoundTripsAndVersion1StillParses() throws Exception {
    Path file = write(random(300_000, 9));
    PieceHashes v2 = PieceHashes.bep52(file, 64 * KIB);
    byte[] encoded = v2.encode();
    assertThat(encoded[8]).isEqualTo((byte) 2);
    assertThat(encoded).hasSize(24 + 32 + 5 * 32);
    PieceHashes parsed = PieceHashes.parse(encoded);
    assertThat(parsed.version()).isEqualTo(2);
    assertThat(parsed.encode()).isEqualTo(encoded);
    assertThat(parsed.tree().root()).isEqualTo(v2.tree().root());
    assertThat(parsed.hashOfHashes()).isEqualTo(v2.hashOfHashes());

    PieceHashes v1 = PieceHashes.parse(PieceHashes.of(file, 64 * KIB).encode());
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.tree()).isNull();
    assertThat(v1.matches(0, ByteBuffer.wrap(Files.readAllBytes(file), 0, 64 * KIB))).isTrue();

    PieceHashes empty = PieceHashes.parse(PieceHashes.bep52(write(new byte[0]), 16 * KIB).encode());
    assertThat(empty.pieceCount()).isZero();
    assertThat(empty.tree().root()).isNull();
  }

  @Test
  void aVersion2FileWhoseLayerDoesNotMatchItsRootIsRefused() throws Exception {
    byte[] encoded = PieceHashes.bep52(write(random(300_000, 10)), 64 * KIB).encode();
    byte[] bad = encoded.clone();
    bad[24 + 32 + 40] ^= 1;
    assertThatThrownBy(() -> PieceHashes.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not hash to the pieces root");
    assertThatThrownBy(() -> PieceHashes.parse(Arrays.copyOf(encoded, encoded.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not " + (encoded.length - 1));
    byte[] small = encoded.clone();
    small[10] = 13; // 8 KiB pieces: below BEP 52's minimum
    assertThatThrownBy(() -> PieceHashes.parse(small)).hasMessageContaining("malformed");
    byte[] huge = encoded.clone();
    ByteBuffer.wrap(huge).putLong(12, Long.MAX_VALUE);
    assertThatThrownBy(() -> PieceHashes.parse(huge)).hasMessageContaining("piece count");
  }

  @Test
  void pieceSizesOutsideBep52AreRefused() {
    for (int size : new int[] {8 * KIB, 48 * KIB, 0, -16 * KIB}) {
      assertThatThrownBy(() -> Bep52Hasher.hash(dir.resolve("x"), size))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("power of two from 16 KiB");
    }
  }

  private Path write(byte[] content) throws Exception {
    Path file = Files.createTempFile(dir, "content", ".bin");
    Files.write(file, content);
    return file;
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static List<byte[]> naiveLeaves(byte[] content) {
    List<byte[]> leaves = new ArrayList<>();
    for (int at = 0; at < content.length; at += Bep52.BLOCK_SIZE) {
      leaves.add(
          sha256(Arrays.copyOfRange(content, at, Math.min(content.length, at + Bep52.BLOCK_SIZE))));
    }
    return leaves;
  }

  private static byte[] naiveRoot(List<byte[]> leaves) {
    List<byte[]> layer = new ArrayList<>(leaves);
    while (Integer.bitCount(layer.size()) != 1) {
      layer.add(new byte[32]);
    }
    while (layer.size() > 1) {
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i < layer.size(); i += 2) {
        byte[] both = new byte[64];
        System.arraycopy(layer.get(i), 0, both, 0, 32);
        System.arraycopy(layer.get(i + 1), 0, both, 32, 32);
        up.add(sha256(both));
      }
      layer = up;
    }
    return layer.get(0);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
