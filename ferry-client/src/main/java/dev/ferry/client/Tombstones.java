package dev.ferry.client;

import dev.ferry.api.JobState;
import dev.ferry.rest.JobView;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Jobs this client saw reach ACKNOWLEDGED or CANCELLED. The daemon forgets a job once it is final,
 * but the engine's job objects still answer their getters (with the final state) and fail their
 * mutators with BG_E_INVALID_STATE; remembering the last view lets the client do the same. A final
 * job never changes again, so this is not a cache of anything that can go stale.
 */
final class Tombstones {
  private static final int LIMIT = 4096;

  /** {@code view} may be null when only the final state is known (from an event). */
  record Tombstone(JobState state, JobView view) {}

  private final Map<UUID, Tombstone> tombs =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Tombstone> eldest) {
          return size() > LIMIT;
        }
      };

  synchronized void bury(UUID id, JobState state, JobView view) {
    Tombstone known = tombs.get(id);
    if (known == null || (known.view() == null && view != null)) {
      tombs.put(id, new Tombstone(state, view));
    }
  }

  synchronized Tombstone find(UUID id) {
    return tombs.get(id);
  }
}
