package dev.ferry.swarm.torrent;

/** A torrent Ferry cannot use: not bencode, not BitTorrent v2, not one file, or inconsistent. */
public final class TorrentException extends IllegalArgumentException {
  TorrentException(String message) {
    super(message);
  }

  TorrentException(String message, Throwable cause) {
    super(message, cause);
  }
}
