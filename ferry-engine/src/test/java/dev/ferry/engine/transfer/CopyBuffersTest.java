package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyBuffersTest {
  @Test
  void buffersGivenBackAreTakenAgainAndAtMostSixteenAreKept() {
    List<byte[]> first = takeAll(40); // more than are ever kept: this empties the pool
    Set<byte[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
    given.addAll(first);
    first.forEach(CopyBuffers::give);

    List<byte[]> second = takeAll(40);

    assertThat(second).allSatisfy(b -> assertThat(b).hasSize(CopyBuffers.SIZE));
    assertThat(second.stream().filter(given::contains).count()).isEqualTo(16);
    second.forEach(CopyBuffers::give);
  }

  private static List<byte[]> takeAll(int count) {
    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      taken.add(CopyBuffers.take());
    }
    return taken;
  }
}
