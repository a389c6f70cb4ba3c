package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** How a following verb waits: a job's notification ends the wait at once instead of the poll. */
class ForegroundTest {
  @Test
  void wakeEndsAPauseLongBeforeItsTime() throws Exception {
    Foreground foreground = Foreground.enter(() -> {});
    try {
      AtomicBoolean interrupted = new AtomicBoolean(true);
      Thread waiting =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  interrupted.set(foreground.pause(Duration.ofHours(1)));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      foreground.wake();
      await().atMost(Duration.ofSeconds(30)).until(() -> !waiting.isAlive());
      assertThat(interrupted).as("a wake-up is not Ctrl+C").isFalse();
    } finally {
      foreground.release();
    }
  }

  @Test
  void aWakeBeforeThePauseEndsThatPauseAndNoLaterOne() throws Exception {
    Foreground foreground = Foreground.enter(() -> {});
    try {
      foreground.wake();
      foreground.wake();
      assertThat(foreground.pause(Duration.ofHours(1))).isFalse();
      Thread waiting =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  foreground.pause(Duration.ofHours(1));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(waiting::isAlive);
      waiting.interrupt();
    } finally {
      foreground.release();
    }
  }
}
