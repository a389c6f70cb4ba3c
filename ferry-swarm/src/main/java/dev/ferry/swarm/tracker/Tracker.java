package dev.ferry.swarm.tracker;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;

/**
 * One tracker, by its announce URL. An announce blocks until the tracker answers or the bounds of
 * {@link TrackerSettings} run out; it is meant for a virtual thread. Made by {@link Trackers}.
 */
public interface Tracker extends Closeable {
  /** The announce URL. */
  URI uri();

  /**
   * Announces and returns the tracker's answer.
   *
   * @throws TrackerException when the tracker refuses (its reason in {@link
   *     TrackerException#failureReason}), answers what cannot be used, or does not answer in time
   * @throws IOException when it cannot be reached
   */
  AnnounceResponse announce(AnnounceRequest request) throws IOException;
}
