/**
 * Single-file BitTorrent v2 torrents (BEP 52): {@link SingleFileTorrent} as Ferry writes it ({@link
 * TorrentWriter}) and as it reads one made by any client ({@link TorrentReader}), with its {@link
 * InfoHash}. Multi-file torrents come later.
 */
package dev.ferry.swarm.torrent;
