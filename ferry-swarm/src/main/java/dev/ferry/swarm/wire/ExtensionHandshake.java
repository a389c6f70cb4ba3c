package dev.ferry.swarm.wire;

import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.BencodeException;
import dev.ferry.swarm.bencode.Bencoder;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * BEP 10's extension handshake (extended message 0), the entries Ferry uses: {@code m} (each
 * extension's name and the message id the sender wants it under; 0 turns one off), {@code v} (the
 * client's name and version), {@code p} (the sender's listen port) and {@code metadata_size} (BEP
 * 9). Other entries are ignored, as are these when of the wrong type.
 */
public record ExtensionHandshake(
    Map<String, Integer> messages,
    Optional<String> client,
    OptionalInt port,
    OptionalLong metadataSize) {
  /** Bounds for the dictionary: flat, a few dozen entries. */
  private static final Bdecoder.Limits LIMITS = new Bdecoder.Limits(8, 4096);

  public ExtensionHandshake {
    messages = Map.copyOf(messages);
  }

  /** The bencoded dictionary, the payload of extended message 0. */
  public byte[] encode() {
    BDict.Builder m = BDict.builder();
    messages.forEach((name, id) -> m.put(name, id));
    BDict.Builder dict = BDict.builder().put("m", m.build());
    client.ifPresent(v -> dict.put("v", BString.of(v)));
    port.ifPresent(p -> dict.put("p", p));
    metadataSize.ifPresent(size -> dict.put("metadata_size", size));
    return Bencoder.encode(dict.build());
  }

  public Message.Extended toMessage() {
    return new Message.Extended(Message.Extended.HANDSHAKE, encode());
  }

  /** Reads an extension handshake's payload; refuses one that is not a bencoded dictionary. */
  public static ExtensionHandshake decode(byte[] payload) throws WireException {
    BValue value;
    try {
      // Lenient: BEP 10 does not ask for canonical bencode, and clients differ.
      value = Bdecoder.decode(payload, false, LIMITS);
    } catch (BencodeException e) {
      throw new WireException("extension handshake: " + e.getMessage());
    }
    if (!(value instanceof BDict dict)) {
      throw new WireException("extension handshake is not a dictionary");
    }
    Map<String, Integer> messages = new TreeMap<>();
    if (dict.get("m") instanceof BDict m) {
      for (Map.Entry<BString, BValue> entry : m.entries().entrySet()) {
        if (entry.getValue() instanceof BInteger(long id) && id >= 0 && id <= 255) {
          messages.put(entry.getKey().text(), (int) id);
        }
      }
    }
    Optional<String> client =
        dict.get("v") instanceof BString v ? Optional.of(v.text()) : Optional.empty();
    OptionalInt port =
        dict.get("p") instanceof BInteger(long p) && p > 0 && p <= 65535
            ? OptionalInt.of((int) p)
            : OptionalInt.empty();
    OptionalLong metadataSize =
        dict.get("metadata_size") instanceof BInteger(long size) && size >= 0
            ? OptionalLong.of(size)
            : OptionalLong.empty();
    return new ExtensionHandshake(messages, client, port, metadataSize);
  }
}
