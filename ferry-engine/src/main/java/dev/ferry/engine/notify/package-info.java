/**
 * Callback delivery: per-job notifiers that keep callbacks off transfer threads, retry the ones
 * that must arrive and throttle the frequent ones.
 */
package dev.ferry.engine.notify;
