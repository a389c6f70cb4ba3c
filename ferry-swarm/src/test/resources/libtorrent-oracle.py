#!/usr/bin/python3
"""What libtorrent says of files and torrents, for ferry-swarm's LibtorrentOracleTest.

Reads one JSON request per line on standard input and answers each with one JSON line:
  {"op": "create", "path": FILE, "piece": N, "hybrid": false, "out": TORRENT}
      makes a torrent of FILE (v2 only, or hybrid v1+v2) with libtorrent, writes it to TORRENT,
      answers {"root", "layer", "infohash"} (hex; layer is "" when libtorrent wrote none) or
      {"error": why libtorrent refused}
  {"op": "load", "path": TORRENT}
      loads a torrent with libtorrent, answers {"infohash", "name", "size", "piece"} or {"error"}
  {"op": "seed", "path": TORRENT, "dir": DIR}
      seeds TORRENT from the file in DIR (checked first) in a session listening on 127.0.0.1 at a
      port the system picks, without DHT, LSD, UPnP, NAT-PMP or uTP; answers {"port"} once the
      torrent is seeding, or {"error"}. Optional: "session": a name, each name its own libtorrent
      session (own port and peer id; default "seed"); "seed_mode": true adds the torrent in seed
      mode (the file is not checked); "unchecked": true makes that session trust every piece
      (disable_hash_checks), so that it serves a damaged file as it is; "upload_rate": bytes per
      second the session sends at most (set when the session is made)
  {"op": "download", "torrent": TORRENT or "magnet": URI, "dir": DIR, "peer": [HOST, PORT]}
      downloads into DIR in a session of its own ("session", default "download") from the one
      peer given (connect_peer), answers {"state", "done", "encryption"} once finished, or
      {"error"} after "timeout" seconds (default 120). "encryption" lists, sorted, how the
      connections libtorrent reported past their handshake were made: "plaintext_encrypted" (MSE's
      obfuscated handshake, plaintext selected after it), "rc4_encrypted" (MSE, RC4 selected) or
      "plain" (no MSE). The session keeps libtorrent's encryption defaults (an obfuscated handshake
      first, plain text again when refused) unless "rc4_only": true, set when the session is made:
      allowed_enc_level rc4 and out_enc_policy forced, so that the connection is MSE with RC4 or
      nothing
Run with Debian's /usr/bin/python3, which has python3-libtorrent.
"""
import json
import os
import sys
import time

import libtorrent as lt


def create(request):
    fs = lt.file_storage()
    lt.add_files(fs, request["path"])
    flags = 0 if request.get("hybrid") else lt.create_torrent.v2_only
    torrent = lt.create_torrent(fs, request["piece"], flags=flags)
    lt.set_piece_hashes(torrent, os.path.dirname(request["path"]))
    generated = torrent.generate()
    encoded = lt.bencode(generated)
    with open(request["out"], "wb") as out:
        out.write(encoded)
    info = generated[b"info"]
    name = os.path.basename(request["path"]).encode()
    root = info[b"file tree"][name][b""][b"pieces root"]
    layer = generated.get(b"piece layers", {}).get(root, b"")
    v2 = lt.torrent_info(encoded).info_hashes().v2
    return {"root": root.hex(), "layer": layer.hex(), "infohash": v2.to_bytes().hex()}


def load(request):
    info = lt.torrent_info(request["path"])
    return {
        "infohash": info.info_hashes().v2.to_bytes().hex(),
        "name": info.name(),
        "size": info.total_size(),
        "piece": info.piece_length(),
    }


sessions = {}


def session_named(name, unchecked=False, upload_rate=0, rc4_only=False):
    if name not in sessions:
        encryption = {}
        if rc4_only:
            encryption = {
                "allowed_enc_level": lt.enc_level.rc4,
                "out_enc_policy": lt.enc_policy.forced,
            }
        sessions[name] = lt.session(
            {
                **encryption,
                "listen_interfaces": "127.0.0.1:0",
                "enable_dht": False,
                "enable_lsd": False,
                "enable_upnp": False,
                "enable_natpmp": False,
                "enable_outgoing_utp": False,
                "enable_incoming_utp": False,
                "allow_multiple_connections_per_ip": True,
                "disable_hash_checks": unchecked,
                # Bytes per second sent to peers (0: no limit), for a download that lasts.
                "upload_rate_limit": upload_rate,
            }
        )
    return sessions[name]


def seed(request):
    session = session_named(
        request.get("session", "seed"),
        request.get("unchecked", False),
        request.get("upload_rate", 0),
    )
    params = {"ti": lt.torrent_info(request["path"]), "save_path": request["dir"]}
    if request.get("seed_mode"):
        params["flags"] = lt.torrent_flags.seed_mode
    handle = session.add_torrent(params)
    if request.get("tracker"):
        # The torrent names no tracker: this one is announced to, as a client's user adds it.
        handle.add_tracker({"url": request["tracker"], "tier": 0})
        handle.force_reannounce()
    deadline = time.monotonic() + 60
    while handle.status().state != lt.torrent_status.seeding or session.listen_port() == 0:
        if time.monotonic() > deadline:
            raise TimeoutError("not seeding after 60 s: %s" % handle.status().state)
        time.sleep(0.05)
    return {"port": session.listen_port()}


ENCRYPTION = (
    ("rc4_encrypted", lt.peer_info.rc4_encrypted),
    ("plaintext_encrypted", lt.peer_info.plaintext_encrypted),
)


def encryption_of(peer):
    """How a connection was made, once past its handshake (else None)."""
    if peer.flags & (lt.peer_info.connecting | lt.peer_info.handshake):
        return None
    for name, flag in ENCRYPTION:
        if peer.flags & flag:
            return name
    return "plain"


def download(request):
    session = session_named(request.get("session", "download"), rc4_only=request.get("rc4_only"))
    if "magnet" in request:
        params = lt.parse_magnet_uri(request["magnet"])
        params.save_path = request["dir"]
    else:
        params = {"ti": lt.torrent_info(request["torrent"]), "save_path": request["dir"]}
    handle = session.add_torrent(params)
    peer = (request["peer"][0], request["peer"][1])
    handle.connect_peer(peer)
    deadline = time.monotonic() + request.get("timeout", 120)
    last_connect = time.monotonic()
    encryption = set()
    while True:
        encryption.update(e for e in map(encryption_of, handle.get_peer_info()) if e)
        status = handle.status()
        if status.is_finished or status.state == lt.torrent_status.seeding:
            return {
                "state": str(status.state),
                "done": status.total_done,
                "encryption": sorted(encryption),
            }
        if time.monotonic() > deadline:
            raise TimeoutError(
                "not finished: %s, %d bytes, %d peers, error %r"
                % (status.state, status.total_done, status.num_peers, status.errc.message())
            )
        if status.num_peers == 0 and time.monotonic() - last_connect > 2:
            # A peer that dropped the connection (or was not up yet) is tried again.
            handle.connect_peer(peer)
            last_connect = time.monotonic()
        time.sleep(0.05)


OPS = {"create": create, "load": load, "seed": seed, "download": download}

for line in sys.stdin:
    request = json.loads(line)
    try:
        answer = OPS[request["op"]](request)
    except Exception as e:  # libtorrent's refusals are answers too
        answer = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(answer), flush=True)
