package dev.ferry.engine;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.job.JobListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An engine shared by several callers, as the daemon holds it: managers acting for each caller, the
 * machine's bandwidth policy, and a feed of every job's changes. {@link Ferry#open} opens one.
 */
public interface Engine extends AutoCloseable {
  /** A manager acting for {@code caller}; closing it leaves the engine running. */
  BackgroundCopyManager manager(JobOwner caller);

  /** The DO download manager (IDOManager) acting for {@code caller}. */
  default DeliveryManager deliveryManager(JobOwner caller) {
    return DeliveryManager.of(manager(caller));
  }

  /**
   * An extension of this engine ({@code DeliveryExtension}...) or a source provider it asks ({@code
   * CacheServers}...), if it has one of that type.
   */
  <T> Optional<T> extension(Class<T> type);

  /** The policy in force; changes apply at once, to running transfers too. */
  BandwidthPolicy bandwidthPolicy();

  /** Changes the policy, durably: it holds across restarts. */
  void setBandwidthPolicy(BandwidthPolicy policy);

  /**
   * How many of the engine's jobs (BITS jobs and DO downloads, of every user) are in each state, by
   * priority, at this moment: what metrics show. Jobs in a final state have left the engine.
   */
  Map<JobState, Map<JobPriority, Integer>> jobCounts();

  /** Registers an observer of every job; see {@link JobListener} for its duties. */
  void addListener(JobListener listener);

  void removeListener(JobListener listener);

  /** The directory holding the engine's store. */
  Path dataDir();

  /** Stops every transfer (they checkpoint as they stop) and closes the store. */
  @Override
  void close();
}
