package dev.ferry.daemon.api;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.Engine;
import dev.ferry.rest.CachePinRequest;
import dev.ferry.rest.CacheView;
import dev.ferry.rest.Routes;
import dev.ferry.swarm.cache.CacheEntry;
import dev.ferry.swarm.cache.ContentCache;
import dev.ferry.swarm.source.PeerSharing;
import dev.ferry.swarm.torrent.InfoHash;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;

/**
 * {@link Routes#CACHE}: the completed downloads ferryd keeps for peers ({@code ferry do cache}). A
 * user sees, pins and drops only the entries of their own downloads; the administrator any.
 */
final class CacheEndpoints {
  private final Engine engine;

  CacheEndpoints(Engine engine) {
    this.engine = engine;
  }

  void register(RoutesConfig routes) {
    routes.get(Routes.CACHE, this::list);
    routes.put(Routes.CACHE_ENTRY, this::pin);
    routes.delete(Routes.CACHE_ENTRY, this::delete);
  }

  private ContentCache cache() {
    return engine
        .extension(PeerSharing.class)
        .flatMap(PeerSharing::cache)
        .orElseThrow(() ->
            new FerryException(
                HResult.E_NOTIMPL,
                "ferryd keeps nothing for peers (started with --no-peer-cache or --peer-port off)"));
  }

  private void list(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    ctx.json(cache().list(caller).stream().map(CacheEndpoints::view).toList());
  }

  private void pin(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    CachePinRequest request = Requests.body(ctx, CachePinRequest.class);
    InfoHash hash = hash(ctx);
    boolean changed;
    try {
      changed = cache().pin(caller, hash, request.pinned());
    } catch (IOException e) {
      throw new FerryException(HResult.ERROR_WRITE_FAULT, "the cache's index: " + e.getMessage());
    }
    if (!changed) {
      throw notFound(hash);
    }
    ctx.status(204);
  }

  private void delete(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    InfoHash hash = hash(ctx);
    if (!cache().delete(caller, hash)) {
      throw notFound(hash);
    }
    ctx.status(204);
  }

  private static InfoHash hash(Context ctx) {
    try {
      return InfoHash.parse(ctx.pathParam("infoHash"));
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "not an info-hash: " + e.getMessage());
    }
  }

  private static FerryException notFound(InfoHash hash) {
    return new FerryException(
        HResult.BG_E_NOT_FOUND, "no entry of yours in the cache has the info-hash " + hash.hex());
  }

  private static CacheView view(CacheEntry entry) {
    return new CacheView(
        entry.infoHash().hex(),
        entry.name(),
        entry.size(),
        entry.owner(),
        entry.added().toString(),
        entry.lastServed().map(Instant::toString).orElse(null),
        entry.pinned());
  }
}
