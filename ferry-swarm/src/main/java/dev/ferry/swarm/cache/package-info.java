/**
 * The content cache Delivery Optimization keeps for peers: completed, verified files copied into a
 * directory of the daemon's own ({@link dev.ferry.swarm.cache.ContentCache}), kept within the
 * administrator's limits ({@link dev.ferry.swarm.cache.CachePolicy}, DO's policies and defaults),
 * indexed in SQLite so that they survive restarts, and served to peers only as pieces that pass
 * their check as they are read.
 */
package dev.ferry.swarm.cache;
