/**
 * Peer connections: BEP 3's handshake on a socket ({@link dev.ferry.swarm.peer.PeerHandshake}, and
 * on incoming connections MSE's obfuscated one before it, {@code dev.ferry.swarm.mse}) and one
 * connection's reader and writer threads, its wire state and its bounded request queue ({@link
 * dev.ferry.swarm.peer.PeerConnection}). Which peers to choke, which blocks to ask for and what to
 * serve are the session's ({@code dev.ferry.swarm.session}).
 */
package dev.ferry.swarm.peer;
