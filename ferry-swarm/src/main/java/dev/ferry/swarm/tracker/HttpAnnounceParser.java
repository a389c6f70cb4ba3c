package dev.ferry.swarm.tracker;

import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BInteger;
import dev.ferry.swarm.bencode.BList;
import dev.ferry.swarm.bencode.BString;
import dev.ferry.swarm.bencode.BValue;
import dev.ferry.swarm.bencode.Bdecoder;
import dev.ferry.swarm.bencode.BencodeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads an HTTP tracker's bencoded answer (BEP 3): its {@code failure reason}, or its interval,
 * peers (compact {@code peers} of BEP 23 or BEP 3's list of dictionaries, and {@code peers6} of BEP
 * 7), counts, warning and tracker id.
 */
final class HttpAnnounceParser {
  /** An answer and the tracker id to send back in later announces, where the tracker gave one. */
  record Parsed(AnnounceResponse response, Optional<BString> trackerId) {}

  /**
   * Keys need not be sorted (trackers do not all sort them); nesting is shallow (a list of peer
   * dictionaries is depth 3).
   */
  private static final Bdecoder.Limits LIMITS = new Bdecoder.Limits(8, 200_000);

  /** A dotted quad, the one IPv4 form peers are given in. */
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Hex digits, colons and dots (an embedded IPv4 tail), starting as InetAddress's literals do. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

  private HttpAnnounceParser() {}

  static Parsed parse(Object tracker, byte[] body) throws TrackerException {
    BValue value;
    try {
      value = Bdecoder.decode(body, false, LIMITS);
    } catch (BencodeException e) {
      throw TrackerException.failed(tracker, "the answer is not bencode: " + e.getMessage(), e);
    }
    if (!(value instanceof BDict dict)) {
      throw TrackerException.failed(tracker, "the answer is not a dictionary");
    }
    if (dict.get("failure reason") instanceof BString reason) {
      throw TrackerException.refused(tracker, reason.text());
    }
    if (!(dict.get("interval") instanceof BInteger interval) || interval.value() < 0) {
      throw TrackerException.failed(tracker, "the answer has no interval");
    }
    List<InetSocketAddress> peers = new ArrayList<>();
    switch (dict.get("peers")) {
      case BString compact -> addCompact(peers, compact, CompactPeers.IPV4);
      case BList list -> addDictionaries(peers, list);
      case null -> {}
      default -> throw TrackerException.failed(tracker, "peers is neither a string nor a list");
    }
    if (dict.get("peers6") instanceof BString compact6) {
      addCompact(peers, compact6, CompactPeers.IPV6);
    }
    AnnounceResponse response =
        new AnnounceResponse(
            seconds(interval.value()),
            dict.get("min interval") instanceof BInteger min && min.value() >= 0
                ? Optional.of(seconds(min.value()))
                : Optional.empty(),
            peers,
            count(dict.get("complete")),
            count(dict.get("incomplete")),
            dict.get("warning message") instanceof BString warning
                ? Optional.of(warning.text())
                : Optional.empty());
    return new Parsed(
        response,
        dict.get("tracker id") instanceof BString id ? Optional.of(id) : Optional.empty());
  }

  /** Seconds within a day's worth of days: a hostile number must not overflow a Duration's use. */
  private static Duration seconds(long value) {
    return Duration.ofSeconds(Math.min(value, Integer.MAX_VALUE));
  }

  private static OptionalInt count(BValue value) {
    if (value instanceof BInteger n && n.value() >= 0) {
      return OptionalInt.of((int) Math.min(n.value(), Integer.MAX_VALUE));
    }
    return OptionalInt.empty();
  }

  private static void addCompact(List<InetSocketAddress> peers, BString compact, int entrySize) {
    byte[] bytes = compact.bytes();
    peers.addAll(CompactPeers.decode(bytes, 0, bytes.length, entrySize));
  }

  /** BEP 3's own form: {@code ip} (an address or a name) and {@code port}; names are skipped. */
  private static void addDictionaries(List<InetSocketAddress> peers, BList list) {
    for (BValue item : list.items()) {
      if (item instanceof BDict peer
          && peer.get("ip") instanceof BString ip
          && peer.get("port") instanceof BInteger port
          && port.value() > 0
          && port.value() <= 0xffff) {
        literal(ip.text())
            .filter(address -> !address.isAnyLocalAddress())
            .ifPresent(address -> peers.add(new InetSocketAddress(address, (int) port.value())));
      }
    }
  }

  /**
   * The address written as {@code text}, when it is an IP literal. A tracker could otherwise make
   * Ferry look up names of its choosing (and wait on them): InetAddress looks up what it cannot
   * parse, even {@code 999.1.1.1}, so dotted quads are read here and only hex-and-colon text, which
   * InetAddress parses as an IPv6 literal or refuses, is handed to it.
   */
  private static Optional<InetAddress> literal(String text) {
    try {
      if (DOTTED_QUAD.matcher(text).matches()) {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return Optional.empty();
          }
          bytes[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(bytes));
      }
      if (IPV6.matcher(text).matches() && text.indexOf(':') >= 0) {
        return Optional.of(InetAddress.getByName(text));
      }
    } catch (UnknownHostException | RuntimeException e) {
      // not an address
    }
    return Optional.empty();
  }
}
