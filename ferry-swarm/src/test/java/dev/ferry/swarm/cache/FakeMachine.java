package dev.ferry.swarm.cache;

import java.nio.file.Path;

/** A machine whose memory and disk sizes a test sets. */
final class FakeMachine implements Machine {
  static final long GB = 1_000_000_000L;

  private volatile long memory = 8 * GB;
  private volatile long disk = 500 * GB;

  @Override
  public long memorySize() {
    return memory;
  }

  @Override
  public long diskSize(Path dir) {
    return disk;
  }

  FakeMachine memory(long bytes) {
    memory = bytes;
    return this;
  }

  FakeMachine disk(long bytes) {
    disk = bytes;
    return this;
  }
}
