#!/usr/bin/python3
"""bench/lt-peer.py: libtorrent on loopback for bench/run's peer scenarios (see bench/README.md).

  lt-peer.py seed TORRENT DIR [LISTEN]
      seeds TORRENT from the file in DIR (libtorrent checks it first) in a session listening on
      LISTEN (default 127.0.0.1:0: a port the system picks); prints "port N" on standard output
      once seeding, then serves until standard input closes or SIGTERM, and prints "uploaded N"
      (the payload it sent) as it ends
  lt-peer.py swarm TORRENT DIR LISTEN PEER...
      one host of bench/run's swarm scenario: a session listening on LISTEN (ADDRESS:PORT) that
      downloads TORRENT into DIR from the PEERs (HOST:PORT: the seed standing for the origin and
      the other hosts; connect_peer, again every 2 s for those not connected while downloading);
      prints "finished EPOCH_NS CPU_S MAXRSS_KB" once every piece is checked (the process's CPU
      and peak RSS until then), then keeps serving until standard input closes or SIGTERM, and
      prints "uploaded N" as it ends
  lt-peer.py download [--plain] TORRENT DIR HOST:PORT [TIMEOUT]
      downloads TORRENT into DIR (the file's name is the torrent's) from that one peer
      (connect_peer, again every 2 s while no peer is connected); exits 0 once every piece is
      downloaded and checked, 1 after TIMEOUT seconds (default 600), and prints "connections K..."
      on standard output: how the connections seen past their handshake were made
      ("plaintext_encrypted": MSE, plaintext selected; "rc4_encrypted"; "plain": no MSE).
      libtorrent's default first tries an obfuscated handshake (MSE/PE, out_enc_policy "enabled")
      and, when the peer drops it, connects again in plain text about a second later; --plain
      connects in plain text at once (out_enc_policy "disabled")

The session is the one of ferry-swarm's libtorrent-oracle.py: 127.0.0.1 only, no DHT, LSD, UPnP,
NAT-PMP or uTP, several connections from one address allowed; libtorrent's other settings are its
defaults. Run with Debian's /usr/bin/python3, which has python3-libtorrent.
"""
import signal
import sys
import time

import libtorrent as lt


def session(plain=False, listen="127.0.0.1:0"):
    return lt.session(
        {
            "out_enc_policy": lt.enc_policy.disabled if plain else lt.enc_policy.enabled,
            "listen_interfaces": listen,
            "enable_dht": False,
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
            "enable_outgoing_utp": False,
            "enable_incoming_utp": False,
            "allow_multiple_connections_per_ip": True,
            "alert_mask": 0,
        }
    )


def serve_until_stdin_closes(ses):
    """Serves until standard input closes or SIGTERM; then prints the payload sent."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sys.stdin.read()  # until the harness closes it
    except SystemExit:
        pass
    finally:
        print("uploaded %d" % ses.status().total_payload_upload, flush=True)


def seed(torrent, directory, listen="127.0.0.1:0"):
    ses = session(listen=listen)
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": directory})
    deadline = time.monotonic() + 300
    while handle.status().state != lt.torrent_status.seeding or ses.listen_port() == 0:
        if handle.status().errc.value() != 0:
            sys.exit("lt-peer seed: %s" % handle.status().errc.message())
        if time.monotonic() > deadline:
            sys.exit("lt-peer seed: not seeding after 300 s: %s" % handle.status().state)
        time.sleep(0.05)
    print("port %d" % ses.listen_port(), flush=True)
    serve_until_stdin_closes(ses)


def parse_peer(text):
    host, port = text.rsplit(":", 1)
    return (host, int(port))


def swarm(torrent, directory, listen, peers):
    """One host of a swarm: download from the peers, report, then serve the others."""
    import resource

    # Plain text, as Ferry speaks: no RC4 between the hosts.
    ses = session(plain=True, listen=listen)
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": directory})
    peers = [parse_peer(p) for p in peers]
    last_connect = 0.0
    while True:
        status = handle.status()
        if status.is_finished or status.state == lt.torrent_status.seeding:
            break
        if status.errc.value() != 0:
            sys.exit("lt-peer swarm: %s" % status.errc.message())
        now = time.monotonic()
        if now - last_connect > 2:
            # By address: a host that connected to us did so from a port of its own.
            connected = {p.ip[0] for p in handle.get_peer_info()}
            for peer in peers:
                if peer[0] not in connected:
                    handle.connect_peer(peer)
            last_connect = now
        time.sleep(0.02)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        "finished %d %.2f %d" % (time.time_ns(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss),
        flush=True,
    )
    serve_until_stdin_closes(ses)


def encryption_of(peer):
    """How a connection was made, once past its handshake (else None)."""
    if peer.flags & (lt.peer_info.connecting | lt.peer_info.handshake):
        return None
    if peer.flags & lt.peer_info.rc4_encrypted:
        return "rc4_encrypted"
    if peer.flags & lt.peer_info.plaintext_encrypted:
        return "plaintext_encrypted"
    return "plain"


def download(torrent, directory, peer, timeout, plain):
    host, port = peer.rsplit(":", 1)
    peer = (host, int(port))
    ses = session(plain)
    handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": directory})
    handle.connect_peer(peer)
    deadline = time.monotonic() + timeout
    last_connect = time.monotonic()
    connections = set()
    while True:
        connections.update(e for e in map(encryption_of, handle.get_peer_info()) if e)
        status = handle.status()
        if status.is_finished or status.state == lt.torrent_status.seeding:
            break
        now = time.monotonic()
        if now > deadline:
            sys.exit(
                "lt-peer download: not finished after %d s: %s, %d bytes, %d peers"
                % (timeout, status.state, status.total_done, status.num_peers)
            )
        if status.num_peers == 0 and now - last_connect > 2:
            handle.connect_peer(peer)
            last_connect = now
        time.sleep(0.02)
    # The file is complete in the page cache (libtorrent 2.0 writes through mmap); closing the
    # torrent before the session ends unmaps it.
    ses.remove_torrent(handle)
    del ses
    print("connections %s" % " ".join(sorted(connections)), flush=True)


def main(argv):
    if len(argv) in (3, 4) and argv[0] == "seed":
        seed(*argv[1:])
    elif len(argv) >= 4 and argv[0] == "swarm":
        swarm(argv[1], argv[2], argv[3], argv[4:])
    elif len(argv) >= 4 and argv[0] == "download":
        plain = argv[1] == "--plain"
        rest = argv[2:] if plain else argv[1:]
        if len(rest) not in (3, 4):
            sys.exit(__doc__)
        download(rest[0], rest[1], rest[2], float(rest[3]) if len(rest) == 4 else 600, plain)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
