package dev.ferry.swarm.mse;

import java.util.Optional;

/**
 * The stream keys (SKEY: the 20-byte info-hashes of BitTorrent handshakes) of the torrents this
 * node serves, found by {@code HASH('req2', SKEY)}, which is all the initiator reveals of its key.
 */
@FunctionalInterface
public interface StreamKeys {
  /** The key whose {@link MseHash#req2} is {@code req2}, if this node serves it. */
  Optional<byte[]> find(byte[] req2);
}
