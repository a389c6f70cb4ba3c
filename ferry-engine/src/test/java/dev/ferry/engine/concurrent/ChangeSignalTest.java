package dev.ferry.engine.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChangeSignalTest {
  @Test
  void aWaitEndsWithTheNextChange() throws Exception {
    ChangeSignal signal = new ChangeSignal();
    long seen = signal.version();
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicReference<Boolean> result = new AtomicReference<>();
    Thread waiter =
        Thread.ofVirtual()
            .start(() -> {
              waiting.countDown();
              try {
                result.set(signal.awaitChange(seen, Duration.ofMinutes(10)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiting.await();
    signal.signal();
    waiter.join(Duration.ofMinutes(1));

    assertThat(result.get()).isTrue();
    assertThat(signal.version()).isEqualTo(seen + 1);
  }

  @Test
  void aChangeBeforeTheWaitIsNotMissed() throws Exception {
    ChangeSignal signal = new ChangeSignal();
    long seen = signal.version();
    signal.signal();

    // The version read before looking has moved: the wait returns at once, however long it may be.
    assertThat(signal.awaitChange(seen, Duration.ofDays(1))).isTrue();
  }

  @Test
  void aWaitWithoutAChangeEndsWhenItsTimeIsUp() throws Exception {
    ChangeSignal signal = new ChangeSignal();

    assertThat(signal.awaitNext(Duration.ofMillis(1))).isFalse();
    assertThat(signal.version()).isZero();
  }

  /**
   * More virtual threads than carriers wait in a loop while others come and go. With a monitor's
   * wait, once the JIT had compiled such a loop (within seconds to a minute), the waiting threads
   * stayed on their carriers and no other virtual thread ever ran again.
   */
  @Test
  void loopsThatWaitLeaveTheCarriersToOtherVirtualThreads() throws Exception {
    ChangeSignal signal = new ChangeSignal();
    Object state = new Object();
    AtomicInteger loops = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> waiters = new ArrayList<>();
    try {
      for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 2; i++) {
        waiters.add(
            Thread.ofVirtual()
                .start(() -> {
                  while (!stop.get()) {
                    synchronized (state) {
                      loops.incrementAndGet();
                    }
                    try {
                      signal.awaitNext(Duration.ofMillis(1));
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                }));
      }
      for (int round = 0; round < ROUNDS; round++) {
        int before = loops.get();
        AtomicInteger naps = new AtomicInteger();
        Thread.ofVirtual()
            .start(() -> {
              for (int i = 0; i < 20; i++) {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
                naps.incrementAndGet();
              }
            });
        await("other virtual threads in round " + round)
            .atMost(Duration.ofMinutes(1))
            .until(() -> naps.get() == 20);
        // The loops go on meanwhile, so that the JIT compiles them.
        await().atMost(Duration.ofMinutes(1)).until(() -> loops.get() >= before + 1_000);
      }
    } finally {
      stop.set(true);
      for (Thread waiter : waiters) {
        waiter.join(Duration.ofMinutes(1));
      }
    }
  }

  /** Rounds of the starvation check: with a monitor's wait, the others starved in round 7 to 16. */
  private static final int ROUNDS = 30;
}
