package dev.ferry.swarm.session;

import dev.ferry.swarm.wire.PeerId;
import java.net.InetSocketAddress;

/**
 * One peer of a session as the downloading side sees it.
 *
 * @param address the peer's address: the one connected to, or for a peer that connected to us its
 *     socket's
 * @param id its peer id
 * @param choked whether the peer chokes us (we may not download from it now)
 * @param interested whether we are interested in it (it has a piece we want or lack)
 * @param piecesHave how many pieces it has announced
 * @param downloaded verified-or-pending payload received from it
 * @param uploaded payload sent to it
 * @param banned banned for bad data: disconnected, and refused for the session's life
 * @param requests blocks asked of it and not answered yet
 * @param requestTarget how many blocks it is to have asked of it at once: the pipeline, which grows
 *     with each block it sends until its rate is first measured, then follows its rate
 */
public record PeerView(
    InetSocketAddress address,
    PeerId id,
    boolean choked,
    boolean interested,
    int piecesHave,
    long downloaded,
    long uploaded,
    boolean banned,
    int requests,
    int requestTarget) {}
