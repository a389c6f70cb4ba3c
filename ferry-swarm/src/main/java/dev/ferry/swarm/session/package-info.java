/**
 * Peers as a source and a destination of pieces: a {@link dev.ferry.swarm.session.Swarm} (this
 * node: its peer id, listener, upload cap and connection bounds) holds one {@link
 * dev.ferry.swarm.session.TorrentSession} per torrent, which fetches verified pieces from peers and
 * serves what its {@link dev.ferry.swarm.session.LocalPieces} hold.
 */
package dev.ferry.swarm.session;
