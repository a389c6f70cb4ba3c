package dev.ferry.engine.job;

/**
 * Observes every job of an engine. Called under the engine's lock, in order: implementations must
 * only hand the event over (to a queue, say) and never block or call back into the engine.
 */
@FunctionalInterface
public interface JobListener {
  void onEvent(JobEvent event);
}
