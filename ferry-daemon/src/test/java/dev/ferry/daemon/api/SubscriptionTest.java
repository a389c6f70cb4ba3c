package dev.ferry.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The per-client side of the event stream: which events a caller gets, and what happens when a
 * client reads too slowly (the engine must never wait for it).
 */
class SubscriptionTest {
  static final JobOwner ALICE = new JobOwner(1001, "alice");
  static final JobOwner ROOT = new JobOwner(0, "root");
  final UUID job = UUID.randomUUID();

  static JobEvent event(JobEvent.Kind kind, UUID job, long owner) {
    return new JobEvent(kind, job, owner, JobState.TRANSFERRING, 10, 5, -1);
  }

  @Test
  void aUserGetsOnlyItsOwnJobsAndRootGetsEveryJob() {
    var alice = new EventStream.Subscription(ALICE, null);
    var root = new EventStream.Subscription(ROOT, null);
    for (var subscription : List.of(alice, root)) {
      subscription.onEvent(event(JobEvent.Kind.CHANGED, job, 1001));
      subscription.onEvent(event(JobEvent.Kind.CHANGED, UUID.randomUUID(), 1002));
    }
    assertThat(alice.queue).extracting(JobEvent::jobId).containsExactly(job);
    assertThat(root.queue).hasSize(2);
  }

  @Test
  void aOneJobSubscriptionGetsOnlyThatJob() {
    var subscription = new EventStream.Subscription(ROOT, job);
    subscription.onEvent(event(JobEvent.Kind.PROGRESS, UUID.randomUUID(), 0));
    subscription.onEvent(event(JobEvent.Kind.PROGRESS, job, 0));
    assertThat(subscription.queue).extracting(JobEvent::jobId).containsExactly(job);
  }

  @Test
  void aSlowReaderLosesProgressFirstAndIsCutOffWhenEvenChangesDoNotFit() {
    var subscription = new EventStream.Subscription(ALICE, null);
    for (int i = 0; i < EventStream.QUEUE_CAPACITY; i++) {
      subscription.onEvent(event(JobEvent.Kind.PROGRESS, job, 1001));
    }
    // Full of progress: more progress is dropped, a state change still gets in.
    subscription.onEvent(event(JobEvent.Kind.PROGRESS, job, 1001));
    subscription.onEvent(event(JobEvent.Kind.CHANGED, job, 1001));
    assertThat(subscription.closed).isFalse();
    List<JobEvent> queued = new ArrayList<>(subscription.queue);
    assertThat(queued).extracting(JobEvent::kind).containsOnly(JobEvent.Kind.CHANGED);
    for (int i = 1; i < EventStream.QUEUE_CAPACITY; i++) {
      subscription.onEvent(event(JobEvent.Kind.CHANGED, job, 1001));
    }
    assertThat(subscription.closed).isFalse();
    subscription.onEvent(event(JobEvent.Kind.FILE_TRANSFERRED, job, 1001));
    assertThat(subscription.closed).isTrue();
    // Once closed it takes nothing more.
    subscription.onEvent(event(JobEvent.Kind.CHANGED, job, 1001));
    assertThat(subscription.queue).hasSize(1);
  }
}
