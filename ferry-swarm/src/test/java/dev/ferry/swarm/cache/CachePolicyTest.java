package dev.ferry.swarm.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DO's defaults, and the smaller of DOMaxCacheSize's share and DOAbsoluteMaxCacheSize wins. */
class CachePolicyTest {
  private static final long GB = 1_000_000_000L;

  @Test
  void theDefaultsAreDeliveryOptimizations() {
    CachePolicy policy = CachePolicy.DEFAULTS;

    assertThat(policy.maxCacheSize()).isEqualTo(20);
    assertThat(policy.absoluteMaxCacheSize()).isZero();
    assertThat(policy.maxCacheAge()).isEqualTo(Duration.ofSeconds(259_200));
    assertThat(policy.minFileSizeToCache()).isEqualTo(50_000_000L);
    assertThat(policy.minRamAllowedToPeer()).isEqualTo(4 * GB);
    assertThat(policy.minDiskSizeAllowedToPeer()).isEqualTo(32 * GB);
    assertThat(policy.entriesExpire()).isTrue();
    assertThat(policy.withMaxCacheAge(Duration.ZERO).entriesExpire()).isFalse();
  }

  @Test
  void theSmallerLimitWins() {
    assertThat(CachePolicy.DEFAULTS.capacity(1000 * GB)).isEqualTo(200 * GB);
    assertThat(CachePolicy.DEFAULTS.withAbsoluteMaxCacheSize(10 * GB).capacity(1000 * GB))
        .isEqualTo(10 * GB);
    assertThat(CachePolicy.DEFAULTS.withAbsoluteMaxCacheSize(500 * GB).capacity(1000 * GB))
        .isEqualTo(200 * GB);
    assertThat(CachePolicy.DEFAULTS.withMaxCacheSize(100).capacity(Long.MAX_VALUE))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(CachePolicy.DEFAULTS.withMaxCacheSize(33).capacity(1001)).isEqualTo(330);
  }

  @Test
  void outOfRangeValuesAreRefused() {
    assertThatThrownBy(() -> CachePolicy.DEFAULTS.withMaxCacheSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachePolicy.DEFAULTS.withMaxCacheSize(101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachePolicy.DEFAULTS.withMaxCacheAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
