package dev.ferry.swarm.source;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.FerryException;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.spi.FileRef;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a file's job says about peers, in its Ferry properties: the content description
 * (CONTENT_DESCRIPTION, a torrent in base64), the known peers (PEERS), DO's DownloadMode
 * (DOWNLOAD_MODE), which keeps peers out in its HTTP-only, simple and bypass modes, and the job's
 * own Group ID (GROUP_ID) and trackers (TRACKERS).
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

  /**
   * {@code file}'s job's own Group ID (GROUP_ID), when it set one. The engine checked it when it
   * was set; one that no longer reads as a GUID (a row edited by hand) counts as none.
   */
  public static Optional<UUID> group(FileRef file) {
    return file.property(JobPropertyId.GROUP_ID)
        .map(value -> ((JobPropertyValue.Text) value).value())
        .filter(text -> !text.isBlank())
        .flatMap(text -> {
          try {
            return Optional.of(ArgumentRules.groupId(text));
          } catch (FerryException e) {
            return Optional.empty();
          }
        });
  }

  /**
   * The trackers {@code file}'s job names (TRACKERS), none where it leaves them to the machine;
   * entries that no longer read as trackers' URLs are left out.
   */
  public static List<URI> trackers(FileRef file) {
    List<URI> trackers = new ArrayList<>();
    file.property(JobPropertyId.TRACKERS)
        .map(value -> ((JobPropertyValue.Text) value).value())
        .ifPresent(text -> {
          for (String entry : text.split(",")) {
            if (entry.isBlank()) {
              continue;
            }
            try {
              trackers.add(ArgumentRules.tracker(entry));
            } catch (FerryException e) {
              // checked when set: only a row edited by hand gets here
            }
          }
        });
    return trackers;
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
