package dev.ferry.swarm.torrent;

import dev.ferry.swarm.bencode.BString;

/**
 * The file names Ferry takes from or puts in a torrent: one path component, so that a name from a
 * stranger's torrent can never leave the directory it is saved in (BEP 52 asks implementations to
 * sanitize {@code .} and {@code ..}).
 */
final class FileNames {
  private FileNames() {}

  static void check(BString name) {
    byte[] bytes = name.bytes();
    String text = name.text();
    if (bytes.length == 0 || text.equals(".") || text.equals("..")) {
      throw new TorrentException("unusable file name " + name);
    }
    for (byte b : bytes) {
      if (b == '/' || b == '\\' || b == 0) {
        throw new TorrentException("the file name " + name + " is not a single path component");
      }
    }
  }
}
