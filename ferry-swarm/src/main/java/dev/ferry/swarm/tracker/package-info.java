/**
 * Finding peers through BitTorrent trackers: HTTP(S) announces (BEP 3, compact peers of BEP 23,
 * {@code peers6} of BEP 7) and UDP announces (BEP 15), behind one small {@link
 * dev.ferry.swarm.tracker.Tracker} interface, and an {@link dev.ferry.swarm.tracker.Announcer} that
 * keeps one swarm announced to a list of trackers.
 *
 * <p>What a swarm is announced under is a {@link dev.ferry.swarm.content.SwarmKey}: the truncated
 * v2 info-hash for the public swarm, or a key derived from a Delivery Optimization Group ID and the
 * info-hash, so that an unmodified tracker keeps each group's peers apart from everyone else's.
 *
 * <p>Every answer comes from a stranger: responses are bounded in size and time, bencode is decoded
 * within tight limits, and peer addresses must be IP literals (a tracker cannot make Ferry resolve
 * names it chose).
 */
package dev.ferry.swarm.tracker;
