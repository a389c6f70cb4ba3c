package dev.ferry.swarm.session;

import dev.ferry.engine.integrity.Bep52;
import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.BencodeException;
import dev.ferry.swarm.bencode.Bencoder;
import dev.ferry.swarm.peer.PeerHandshake;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentException;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.wire.ExtensionHandshake;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashRange;
import dev.ferry.swarm.wire.Message.HashReject;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Hashes;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireException;
import dev.ferry.swarm.wire.WireLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Gets a torrent from a peer that has it, knowing only its info-hash: the info dictionary over BEP
 * 9 ({@code ut_metadata}, checked against the info-hash), then the piece layer over BEP 52 hash
 * requests (512 hashes at a time, with the proof up to the root), and reads the two as a torrent
 * file, so the layer is checked against the pieces root as any torrent's is. One connection, one
 * peer, blocking; the session connects again to fetch pieces.
 */
final class MagnetFetch {
  /** How long any one read may wait: generous, this is one round trip per request. */
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /** Bitfields of up to a million pieces before the torrent (and its piece count) is known. */
  private static final WireLimits LIMITS = WireLimits.forPieces(1 << 20);

  /** BEP 52: a hash request "SHOULD NOT" ask for more than 512 hashes. */
  private static final int HASHES_PER_REQUEST = 512;

  /** How many messages may come before the ones awaited: a bound on a chatty or hostile peer. */
  private static final int MAX_MESSAGES = 100_000;

  private MagnetFetch() {}

  static SingleFileTorrent fetch(InfoHash hash, InetSocketAddress peer, PeerId ourId)
      throws IOException {
    try (Socket socket = PeerHandshake.connect(peer)) {
      Handshake ours = new Handshake(Reserved.FERRY, hash.truncated(), ourId);
      PeerHandshake.send(socket, ours);
      Handshake theirs = PeerHandshake.read(socket);
      if (!Arrays.equals(theirs.infoHash(), ours.infoHash())) {
        throw new WireException("the peer answered for another torrent");
      }
      if (!theirs.reserved().extensionProtocol()) {
        throw new WireException("the peer does not speak BEP 10, so cannot send metadata");
      }
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(
          MessageCodec.encode(
              new ExtensionHandshake(
                      Map.of(MetadataMessage.EXTENSION, PieceServer.UT_METADATA_ID),
                      Optional.of("Ferry"),
                      OptionalInt.empty(),
                      OptionalLong.empty())
                  .toMessage()));
      out.flush();
      MessageReader reader = new MessageReader(socket.getInputStream(), LIMITS);
      byte[] info = metadata(hash, reader, out);
      BDict infoDict;
      try {
        infoDict = (BDict) Bdecoder.decode(info);
      } catch (BencodeException | ClassCastException e) {
        throw new WireException("the info dictionary is not canonical bencode");
      }
      byte[] layer = pieceLayer(infoDict, reader, out);
      BDict.Builder layers = BDict.builder();
      if (layer != null) {
        layers.put(BString.of(root(infoDict)), BString.of(layer));
      }
      byte[] torrent =
          Bencoder.encode(
              BDict.builder().put("info", infoDict).put("piece layers", layers.build()).build());
      try {
        return TorrentReader.read(torrent);
      } catch (TorrentException e) {
        throw new WireException("the peer's torrent is unusable: " + e.getMessage());
      }
    }
  }

  /** The info dictionary's bytes, whose SHA-256 is the info-hash. */
  private static byte[] metadata(InfoHash hash, MessageReader reader, OutputStream out)
      throws IOException {
    int theirId = 0;
    long size = -1;
    for (int i = 0; i < MAX_MESSAGES && theirId == 0; i++) {
      if (reader.read() instanceof Extended e && e.extendedId() == Extended.HANDSHAKE) {
        ExtensionHandshake handshake = ExtensionHandshake.decode(e.payload());
        theirId = handshake.messages().getOrDefault(MetadataMessage.EXTENSION, 0);
        size = handshake.metadataSize().orElse(-1);
        if (theirId == 0 || size <= 0) {
          throw new WireException("the peer offers no metadata");
        }
      }
    }
    if (size <= 0 || size > MetadataMessage.MAX_SIZE) {
      throw new WireException("no usable metadata size from the peer: " + size);
    }
    byte[] info = new byte[(int) size];
    int pieces = MetadataMessage.pieces(size);
    for (int piece = 0; piece < pieces; piece++) {
      out.write(
          MessageCodec.encode(new Extended(theirId, MetadataMessage.request(piece).encode())));
    }
    out.flush();
    boolean[] got = new boolean[pieces];
    int missing = pieces;
    for (int i = 0; i < MAX_MESSAGES && missing > 0; i++) {
      if (!(reader.read() instanceof Extended e) || e.extendedId() != PieceServer.UT_METADATA_ID) {
        continue;
      }
      MetadataMessage m = MetadataMessage.decode(e.payload());
      if (m.type() == MetadataMessage.REJECT) {
        throw new WireException("the peer rejected metadata piece " + m.piece());
      }
      if (m.type() != MetadataMessage.DATA || m.piece() >= pieces || got[m.piece()]) {
        continue;
      }
      int from = m.piece() * MetadataMessage.PIECE;
      int length = (int) Math.min(MetadataMessage.PIECE, size - from);
      if (m.totalSize() != size || m.data().length != length) {
        throw new WireException("metadata piece " + m.piece() + " does not fit");
      }
      System.arraycopy(m.data(), 0, info, from, length);
      got[m.piece()] = true;
      missing--;
    }
    if (missing > 0) {
      throw new WireException("the peer did not send the metadata");
    }
    if (!InfoHash.ofInfo(info).equals(hash)) {
      throw new WireException("the metadata does not hash to the info-hash");
    }
    return info;
  }

  /** The piece layer of a file of more than one piece, null for one piece (the root covers it). */
  private static byte[] pieceLayer(BDict info, MessageReader reader, OutputStream out)
      throws IOException {
    if (!(info.get("piece length") instanceof BInteger(long pieceLength))
        || pieceLength < Bep52.MIN_PIECE_SIZE
        || pieceLength > (1 << 30)
        || Long.bitCount(pieceLength) != 1) {
      throw new WireException("the info dictionary has no usable piece length");
    }
    long length = fileEntry(info).get("length") instanceof BInteger(long l) ? l : -1;
    if (length <= 0) {
      throw new WireException("the info dictionary has no usable file length");
    }
    long count = (length + pieceLength - 1) / pieceLength;
    if (count < 2) {
      return null;
    }
    if (count > 1 << 20) {
      throw new WireException(count + " pieces: more than Ferry takes from a peer");
    }
    int pieces = (int) count;
    int width = (int) Bep52.balanced(pieces);
    int height = Integer.numberOfTrailingZeros(width);
    int base = Integer.numberOfTrailingZeros((int) (pieceLength / Bep52.BLOCK_SIZE));
    byte[] root = root(info);
    byte[] layer = new byte[pieces * Bep52.HASH_SIZE];
    int chunks = 0;
    for (int index = 0; index < pieces; index += HASHES_PER_REQUEST) {
      int asked = (int) Math.min(HASHES_PER_REQUEST, Bep52.balanced(pieces - index));
      // Proof up to the root's children: the uncles of the subtree of `asked` hashes.
      out.write(
          MessageCodec.encode(
              new HashRequest(new HashRange(root, base, index, asked, height - 1))));
      chunks++;
    }
    out.flush();
    for (int i = 0; i < MAX_MESSAGES && chunks > 0; i++) {
      Message message = reader.read();
      if (message instanceof HashReject r) {
        throw new WireException("the peer rejected the hash request " + r.range());
      }
      if (!(message instanceof Hashes h)
          || !Arrays.equals(h.range().piecesRoot(), root)
          || h.range().baseLayer() != base
          || h.range().index() % HASHES_PER_REQUEST != 0
          || h.range().index() >= pieces) {
        continue;
      }
      int index = h.range().index();
      int take = Math.min(h.range().length(), pieces - index);
      byte[] hashes = h.hashes();
      if (hashes.length < take * Bep52.HASH_SIZE) {
        throw new WireException("too few hashes for " + h.range());
      }
      // The proof hashes are not checked one by one: the whole layer must reduce to the pieces
      // root when it is read as a torrent, which a single wrong hash fails.
      System.arraycopy(hashes, 0, layer, index * Bep52.HASH_SIZE, take * Bep52.HASH_SIZE);
      chunks--;
    }
    if (chunks > 0) {
      throw new WireException("the peer did not send the piece layer");
    }
    return layer;
  }

  private static BDict fileEntry(BDict info) throws WireException {
    if (info.get("file tree") instanceof BDict tree && tree.size() == 1) {
      BValue node = tree.entries().values().iterator().next();
      if (node instanceof BDict dir && dir.get("") instanceof BDict file) {
        return file;
      }
    }
    throw new WireException("not a single-file v2 torrent");
  }

  private static byte[] root(BDict info) throws WireException {
    if (fileEntry(info).get("pieces root") instanceof BString root && root.length() == 32) {
      return root.bytes();
    }
    throw new WireException("the info dictionary has no pieces root");
  }
}
