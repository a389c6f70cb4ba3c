package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.Engine;
import dev.ferry.engine.integrity.Bep52Tree;
import dev.ferry.rest.Routes;
import dev.ferry.rest.SeedRequest;
import dev.ferry.rest.SeedView;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.content.ContentId;
import dev.ferry.swarm.session.SessionStats;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.source.ContentDescriptions;
import dev.ferry.swarm.source.Magnet;
import dev.ferry.swarm.source.PeerSharing;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@link Routes#SEEDS}: the local files a user offers to peers through ferryd ({@code ferry do
 * seed}). A user offers only files of their own, sees only their own offers, and stops only those.
 */
final class SeedEndpoints {
  private final Engine engine;

  SeedEndpoints(Engine engine) {
    this.engine = engine;
  }

  void register(RoutesConfig routes) {
    routes.get(Routes.SEEDS, this::list);
    routes.post(Routes.SEEDS, this::seed);
    routes.delete(Routes.SEED, this::unseed);
  }

  private PeerSharing sharing() {
    return engine
        .extension(PeerSharing.class)
        .orElseThrow(() ->
            new FerryException(
                HResult.E_NOTIMPL,
                "ferryd takes part in no swarm (it was started with --peer-port off)"));
  }

  private void list(Context ctx) {
    long caller = JobEndpoints.caller(ctx).uid();
    PeerSharing sharing = sharing();
    ctx.json(
        sharing.seeds().stream()
            .filter(seed -> seed.owner() == caller)
            .map(seed -> view(sharing, seed))
            .toList());
  }

  private void seed(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    PeerSharing sharing = sharing();
    SeedRequest request = Requests.body(ctx, SeedRequest.class);
    Path file = ownFile(request.path(), caller);
    SingleFileTorrent torrent;
    try {
      if (request.torrent() != null && !request.torrent().isEmpty()) {
        torrent = ContentDescriptions.decode(request.torrent());
        if (torrent.length() != Files.size(file)) {
          throw new FerryException(
              HResult.E_INVALIDARG,
              "the torrent describes "
                  + torrent.length()
                  + " bytes; "
                  + file
                  + " has "
                  + Files.size(file));
        }
      } else {
        int pieceSize = request.pieceSize() == 0 ? 1 << 20 : request.pieceSize();
        try {
          Bep52Tree.checkPieceSize(pieceSize);
        } catch (IllegalArgumentException e) {
          throw new FerryException(HResult.E_INVALIDARG, e.getMessage());
        }
        torrent = CanonicalTorrent.of(file, pieceSize);
      }
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "not a usable torrent: " + e.getMessage());
    } catch (IOException e) {
      throw new FerryException(HResult.ERROR_READ_FAULT, "reading " + file + ": " + e.getMessage());
    }
    sharing.seed(file, torrent, caller.uid());
    ctx.json(
        view(
            sharing,
            sharing.seeds().stream()
                .filter(s -> s.torrent().infoHash().equals(torrent.infoHash()))
                .findFirst()
                .orElseThrow()));
  }

  private void unseed(Context ctx) {
    long caller = JobEndpoints.caller(ctx).uid();
    PeerSharing sharing = sharing();
    InfoHash hash;
    try {
      hash = InfoHash.parse(ctx.pathParam("infoHash"));
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "not an info-hash: " + e.getMessage());
    }
    boolean mine =
        sharing.seeds().stream()
            .anyMatch(s -> s.owner() == caller && s.torrent().infoHash().equals(hash));
    if (!mine || !sharing.unseed(hash)) {
      throw new FerryException(
          HResult.BG_E_NOT_FOUND, "you offer no content with the info-hash " + hash.hex());
    }
    ctx.status(204);
  }

  /**
   * {@code path} as a regular file of {@code caller}'s, not reached through a link: ferryd may run
   * as another user (the administrator), and must not offer what the caller could not read.
   */
  private static Path ownFile(String path, JobOwner caller) {
    if (path == null || path.isBlank() || !Path.of(path).isAbsolute()) {
      throw new FerryException(HResult.E_INVALIDARG, "the file to offer needs an absolute path");
    }
    Path file = Path.of(path).normalize();
    BasicFileAttributes attributes;
    long owner;
    try {
      if (!file.toRealPath(LinkOption.NOFOLLOW_LINKS).equals(file.toRealPath())) {
        throw new FerryException(HResult.E_INVALIDARG, path + " is reached through a link");
      }
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      owner =
          ((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    } catch (IOException e) {
      throw new FerryException(HResult.ERROR_FILE_NOT_FOUND, "cannot offer " + path + ": " + e);
    }
    if (!attributes.isRegularFile()) {
      throw new FerryException(HResult.E_INVALIDARG, path + " is not a regular file");
    }
    if (owner != caller.uid() && !caller.isAdministrator()) {
      throw new FerryException(HResult.E_ACCESSDENIED, path + " is not yours to offer");
    }
    return file;
  }

  private static SeedView view(PeerSharing sharing, PeerSharing.Seed seed) {
    SingleFileTorrent torrent = seed.torrent();
    SessionStats stats =
        sharing.swarm().find(torrent.infoHash()).map(TorrentSession::stats).orElse(null);
    return new SeedView(
        torrent.infoHash().hex(),
        ContentId.of(torrent.tree()).hex(),
        Magnet.of(torrent.infoHash(), torrent.fileName()).toString(),
        seed.file().toString(),
        torrent.length(),
        torrent.pieceLength(),
        ContentDescriptions.encode(torrent),
        stats == null ? 0 : stats.peersConnected(),
        stats == null ? 0 : stats.bytesUploaded());
  }
}
