package dev.ferry.swarm.source;

import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.spi.FileRef;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a file's job says about peers, in its Ferry properties: the content description
 * (CONTENT_DESCRIPTION, a torrent in base64), the known peers (PEERS) and DO's DownloadMode
 * (DOWNLOAD_MODE), which keeps peers out in its HTTP-only, simple and bypass modes.
 */
public final class ContentDescriptions {
  private ContentDescriptions() {}

  /** The torrent {@code file}'s job describes its content by, when it has one. */
  public static Optional<SingleFileTorrent> of(FileRef file) {
    return file.property(JobPropertyId.CONTENT_DESCRIPTION)
        .map(value -> ((JobPropertyValue.Text) value).value())
        .filter(text -> !text.isEmpty())
        .map(ContentDescriptions::decode);
  }

  /**
   * The torrent in a content description.
   *
   * @throws IllegalArgumentException when it is not base64 of a single-file v2 torrent
   */
  public static SingleFileTorrent decode(String base64) {
    return TorrentReader.read(Base64.getDecoder().decode(base64));
  }

  /** The content description of {@code torrent}: its canonical bytes in base64. */
  public static String encode(SingleFileTorrent torrent) {
    return Base64.getEncoder().encodeToString(TorrentWriter.encode(torrent));
  }

  /** {@code file}'s job's DownloadMode (DOWNLOAD_MODE), or {@code otherwise} where it set none. */
  public static DownloadMode mode(FileRef file, DownloadMode otherwise) {
    return file.property(JobPropertyId.DOWNLOAD_MODE)
        .map(value -> DownloadMode.of(((JobPropertyValue.Dword) value).value()))
        .orElse(otherwise);
  }

  /** The peers {@code file}'s job names (HOST:PORT). */
  public static List<String> peers(FileRef file) {
    List<String> peers = new ArrayList<>();
    file.property(JobPropertyId.PEERS)
        .map(value -> ((JobPropertyValue.Text) value).value())
        .ifPresent(text -> {
          for (String peer : text.split(",")) {
            if (!peer.isBlank()) {
              peers.add(peer.strip());
            }
          }
        });
    return peers;
  }
}
