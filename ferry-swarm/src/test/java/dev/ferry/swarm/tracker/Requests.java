package dev.ferry.swarm.tracker;

import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.wire.PeerId;

/** Announces for the tests. */
final class Requests {
  static final InfoHash HASH =
      InfoHash.parse("a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f");
  static final SwarmKey KEY = SwarmKey.of(HASH);

  private Requests() {}

  static AnnounceRequest request(AnnounceEvent event) {
    return new AnnounceRequest(
        KEY, PeerId.random(), 6881, new Progress(10, 20, 30), event, 30, 0x0badf00d);
  }
}
