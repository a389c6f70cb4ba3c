package dev.ferry.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.engine.integrity.Bep52Hasher;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.Bencoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the reader refuses, and why; libtorrent's torrents are LibtorrentOracleTest's. */
class TorrentReaderTest {
  @TempDir Path dir;
  private Bep52Tree tree;
  private byte[] good;

  @BeforeEach
  void makeATorrent() throws Exception {
    Path file = dir.resolve("file.bin");
    byte[] content = new byte[5 * 65536 + 99];
    new Random(3).nextBytes(content);
    Files.write(file, content);
    tree = Bep52Hasher.hash(file, 65536);
    good = TorrentWriter.encode(SingleFileTorrent.create("file.bin", tree));
  }

  @Test
  void readsWhatItWrote() {
    SingleFileTorrent read = TorrentReader.read(good);
    assertThat(read.infoHash()).isEqualTo(SingleFileTorrent.create("file.bin", tree).infoHash());
    assertThat(read.infoHash().hex()).hasSize(64);
    assertThat(read.infoHash().truncated()).hasSize(20);
    assertThat(read.tree().pieceLayer()).isEqualTo(tree.pieceLayer());
    assertThat(read.name()).isEqualTo("file.bin");
    assertThat(TorrentWriter.encode(read)).isEqualTo(good);
  }

  @Test
  void refusesOtherTorrentsSayingWhy() {
    refused(info(i -> i.put("meta version", 3)), "meta version 3 is newer");
    refused(info(i -> without(i, "meta version").put("pieces", new byte[20])), "v1 torrent");
    refused(info(i -> i.put("piece length", 8192)), "power of two from 16 KiB");
    refused(info(i -> i.put("piece length", 98304)), "power of two from 16 KiB");
    refused(info(i -> i.put("name", BString.of(".."))), "unusable file name");
    refused(
        info(i ->
            i.put("file tree", fileTree(i).put("other.bin", fileNode(1, tree.root())).build())),
        "single-file torrents only");
    refused(
        info(i ->
            i.put(
                "file tree",
                BDict.builder()
                    .put("dir", fileTree(i).put("x", fileNode(1, tree.root())).build())
                    .build())),
        "is a directory");
    refused(
        info(i -> i.put("file tree", BDict.builder().put("a/b", fileNode(9, null)).build())),
        "not a single path component");
    refused(
        info(i -> i.put("file tree", BDict.builder().put("e", fileNode(0, null)).build())),
        "empty");
    refused(
        info(i -> i.put("file tree", BDict.builder().put("x", fileNode(99_999, null)).build())),
        "pieces root is missing");
    refused(
        info(i ->
            i.put("file tree", BDict.builder().put("x", fileNode(99_999, new byte[31])).build())),
        "31 bytes, not 32");
    refused(top(t -> without(t, "piece layers")), "piece layers is missing");
    byte[] layer = tree.pieceLayer();
    refused(
        top(t -> t.put("piece layers", layers(Arrays.copyOf(layer, layer.length - 32)))),
        "has 192 bytes, not 160");
    layer[5] ^= 1;
    refused(top(t -> t.put("piece layers", layers(layer))), "does not hash to the pieces root");
    refused(Arrays.copyOf(good, good.length - 1), "not a torrent");
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    refused(trailing, "1 bytes after the value");
    refused(Bencoder.encode(new BInteger(2)), "the torrent is not a dictionary");
  }

  private BDict.Builder fileTree(BDict.Builder info) {
    return BDict.builder().put("file.bin", fileNode(tree.length(), tree.root()));
  }

  private static BDict fileNode(long length, byte[] root) {
    BDict.Builder file = BDict.builder().put("length", length);
    if (root != null) {
      file.put("pieces root", root);
    }
    return BDict.builder().put("", file.build()).build();
  }

  private BDict layers(byte[] layer) {
    return BDict.builder().put(BString.of(tree.root()), BString.of(layer)).build();
  }

  private byte[] info(UnaryOperator<BDict.Builder> change) {
    BDict top = (BDict) Bdecoder.decode(good);
    BDict.Builder info = builderOf((BDict) top.get("info"));
    return Bencoder.encode(builderOf(top).put("info", change.apply(info).build()).build());
  }

  private byte[] top(UnaryOperator<BDict.Builder> change) {
    return Bencoder.encode(change.apply(builderOf((BDict) Bdecoder.decode(good))).build());
  }

  private static BDict.Builder builderOf(BDict dict) {
    BDict.Builder builder = BDict.builder();
    dict.entries().forEach(builder::put);
    return builder;
  }

  private static BDict.Builder without(BDict.Builder builder, String key) {
    TreeMap<BString, BValue> kept = new TreeMap<>(builder.build().entries());
    kept.remove(BString.of(key));
    BDict.Builder fresh = BDict.builder();
    kept.forEach(fresh::put);
    return fresh;
  }

  private static void refused(byte[] torrent, String reason) {
    assertThatThrownBy(() -> TorrentReader.read(torrent))
        .isInstanceOf(TorrentException.class)
        .hasMessageContaining(reason);
  }
}
