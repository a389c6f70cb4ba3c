package dev.ferry.swarm.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.swarm.torrent.InfoHash;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The keys swarms are announced under: public ones as BEP 52 says, group ones derived. */
class SwarmKeyTest {
  private static final InfoHash HASH =
      InfoHash.parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final UUID GROUP = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

  @Test
  void thePublicKeyIsTheTruncatedInfoHash() {
    assertThat(SwarmKey.of(HASH).bytes()).isEqualTo(HASH.truncated());
    assertThat(SwarmKey.of(HASH).hex()).isEqualTo("000102030405060708090a0b0c0d0e0f10111213");
  }

  /**
   * The derivation, checked against Python's hashlib and uuid: sha256(b"ferry-group" +
   * uuid.UUID(text).bytes + info_hash)[:20]. Another implementation must get the same bytes.
   */
  @Test
  void aGroupKeyIsDerivedFromTheGroupIdAndTheInfoHash() {
    assertThat(SwarmKey.forGroup(GROUP, HASH).hex())
        .isEqualTo("c055cea0919164902e3b5956bd1ad3b96cedfe6a");
  }

  @Test
  void groupsAndThePublicSwarmHaveDifferentKeys() {
    UUID other = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
    InfoHash otherHash =
        InfoHash.parse("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    assertThat(SwarmKey.forGroup(GROUP, HASH))
        .isEqualTo(SwarmKey.forGroup(GROUP, HASH))
        .isNotEqualTo(SwarmKey.of(HASH))
        .isNotEqualTo(SwarmKey.forGroup(other, HASH))
        .isNotEqualTo(SwarmKey.forGroup(GROUP, otherHash));
    assertThat(SwarmKey.forGroup(GROUP, HASH).bytes()).hasSize(SwarmKey.SIZE);
  }
}
