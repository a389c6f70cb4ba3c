package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEvent;
import dev.ferry.engine.job.JobListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Remembers the jobs that recently became ACKNOWLEDGED or CANCELLED. The engine forgets a final
 * job, so a later request can no longer find it; but a client that still holds the job (as a BITS
 * caller holds its interface pointer) must get BG_E_INVALID_STATE from a mutation, as the embedded
 * API gives, not BG_E_NOT_FOUND. Reads and GetJob keep answering BG_E_NOT_FOUND, as in BITS.
 */
final class FinalJobs implements JobListener {
  private static final int CAPACITY = 4096;

  private record Final(long ownerUid, JobState state) {}

  private final Map<UUID, Final> recent =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Final> eldest) {
          return size() > CAPACITY;
        }
      };

  @Override
  public void onEvent(JobEvent event) {
    if (event.kind() == JobEvent.Kind.CHANGED && event.state().isFinal()) {
      synchronized (recent) {
        recent.put(event.jobId(), new Final(event.ownerUid(), event.state()));
      }
    }
  }

  /**
   * Turns the BG_E_NOT_FOUND of a job that {@code caller} saw become final into BG_E_INVALID_STATE;
   * returns {@code notFound} otherwise.
   */
  FerryException forMutation(JobOwner caller, UUID id, FerryException notFound) {
    if (!notFound.is(HResult.BG_E_NOT_FOUND)) {
      return notFound;
    }
    Final known;
    synchronized (recent) {
      known = recent.get(id);
    }
    if (known == null || !(caller.isAdministrator() || known.ownerUid() == caller.uid())) {
      return notFound;
    }
    return new FerryException(HResult.BG_E_INVALID_STATE, "job " + id + " is " + known.state());
  }
}
