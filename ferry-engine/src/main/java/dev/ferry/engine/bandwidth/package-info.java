/**
 * Bandwidth policy: caps for everything, for foreground and background jobs and per job, time
 * windows, and background jobs yielding to foreground ones; enforced by token buckets in the copy
 * loop.
 */
package dev.ferry.engine.bandwidth;
