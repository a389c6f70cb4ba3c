/**
 * Message Stream Encryption (MSE, also called Protocol Encryption: the obfuscated handshake of
 * Vuze, libtorrent, Transmission and qBittorrent), the responder's side only: libtorrent opens its
 * connections with it by default and, refused, connects again in plain text a second later.
 *
 * <p>A Diffie-Hellman exchange over the spec's 768-bit prime ({@link dev.ferry.swarm.mse.DhKeys}),
 * the initiator's proof that it knows a torrent this node serves (the stream key, SKEY: the 20-byte
 * info-hash of the BitTorrent handshake), and the choice of what follows: plaintext when offered,
 * so that the bulk data costs nothing, else RC4 ({@link dev.ferry.swarm.mse.Rc4}). {@link
 * dev.ferry.swarm.mse.MseResponder} is the state machine, fed bytes as they come and never taking a
 * byte past its handshake; {@link dev.ferry.swarm.mse.ObfuscatedHandshake} runs it over a socket's
 * streams.
 */
package dev.ferry.swarm.mse;
