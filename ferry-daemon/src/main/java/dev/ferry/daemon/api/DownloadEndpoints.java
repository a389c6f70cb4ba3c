package dev.ferry.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.Download;
import dev.ferry.api.delivery.DownloadCategory;
import dev.ferry.api.delivery.DownloadProperty;
import dev.ferry.api.delivery.DownloadRange;
import dev.ferry.engine.Engine;
import dev.ferry.rest.CreateDownloadRequest;
import dev.ferry.rest.DownloadPropertyValue;
import dev.ferry.rest.DownloadView;
import dev.ferry.rest.FileView;
import dev.ferry.rest.Problem;
import dev.ferry.rest.Routes;
import dev.ferry.rest.StartDownloadRequest;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DO download routes ({@link Routes#DOWNLOADS} and below, {@link Routes#DELIVERY_STATUS},
 * {@link Routes#DELIVERY_PERF}): IDOManager and IDODownload for the caller the socket's peer
 * credentials name. A caller sees and changes only its own downloads.
 *
 * <p>Enumeration leaves out final downloads, but a client that holds one must still get
 * DO_E_INVALID_STATE (not "not found") from it, as it would in process. So every download handed
 * out is remembered, by id and owner, for as long as the daemon runs (bounded; the oldest are
 * forgotten first).
 */
public final class DownloadEndpoints {
  private static final int REMEMBERED = 10_000;

  private final Engine engine;
  private final CallerAccess access;
  private final Map<String, Known> known =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
          return size() > REMEMBERED;
        }
      };

  private record Known(long ownerUid, Download download) {}

  DownloadEndpoints(Engine engine, boolean daemonIsRoot) {
    this.engine = engine;
    this.access = new CallerAccess(daemonIsRoot);
  }

  /** Registers the routes; {@code /properties/{name}} before {@code /{action}}. */
  void register(RoutesConfig routes) {
    routes.get(Routes.DOWNLOADS, this::list);
    routes.post(Routes.DOWNLOADS, this::create);
    routes.get(Routes.DOWNLOAD, ctx -> ctx.json(DownloadView.of(download(ctx))));
    routes.get(Routes.DOWNLOAD_PROPERTY, this::getProperty);
    routes.put(Routes.DOWNLOAD_PROPERTY, this::setProperty);
    routes.post(Routes.DOWNLOAD_ACTION, this::action);
    routes.get(Routes.DELIVERY_STATUS, ctx -> ctx.json(manager(ctx).deliveryStatus()));
    routes.get(Routes.DELIVERY_PERF, ctx -> ctx.json(manager(ctx).perfSnapshot()));
  }

  private DeliveryManager manager(Context ctx) {
    return engine.deliveryManager(JobEndpoints.caller(ctx));
  }

  private Download remember(JobOwner owner, Download download) {
    synchronized (known) {
      known.put(download.id(), new Known(owner.uid(), download));
    }
    return download;
  }

  private Download download(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    String id = ctx.pathParam("id");
    synchronized (known) {
      Known hit = known.get(id);
      if (hit != null && hit.ownerUid() == caller.uid()) {
        return hit.download();
      }
    }
    for (Download download :
        manager(ctx).enumDownloads(new DownloadCategory(DownloadProperty.ID, id))) {
      if (download.id().equals(id)) {
        return remember(caller, download);
      }
    }
    throw new FerryException(HResult.DO_E_JOB_NOT_FOUND, "no download " + id);
  }

  private void list(Context ctx) {
    String property = ctx.queryParam("property");
    String value = ctx.queryParam("value");
    DownloadCategory category = null;
    if (property != null || value != null) {
      if (property == null || value == null) {
        throw Requests.invalid("property and value go together");
      }
      category = new DownloadCategory(DownloadProperty.named(property), value);
    }
    JobOwner caller = JobEndpoints.caller(ctx);
    List<DownloadView> views = new ArrayList<>();
    for (Download download : manager(ctx).enumDownloads(category)) {
      views.add(DownloadView.of(remember(caller, download)));
    }
    ctx.json(views);
  }

  private void create(Context ctx) {
    Map<String, Object> properties = Map.of();
    if (ctx.bodyAsBytes().length > 0) {
      CreateDownloadRequest request = Requests.body(ctx, CreateDownloadRequest.class);
      if (request.properties() != null) {
        properties = request.properties();
      }
    }
    JobOwner caller = JobEndpoints.caller(ctx);
    List<Map.Entry<DownloadProperty, Object>> values = new ArrayList<>();
    for (Map.Entry<String, Object> entry : properties.entrySet()) {
      DownloadProperty property = DownloadProperty.named(entry.getKey());
      Object value = DownloadPropertyValue.toJava(property, entry.getValue());
      check(caller, property, value);
      values.add(Map.entry(property, value));
    }
    Download download = createWith(manager(ctx), values);
    remember(caller, download);
    ctx.header("Location", Routes.download(download.id()));
    ctx.status(201).json(DownloadView.of(download));
  }

  private void check(JobOwner caller, DownloadProperty property, Object value) {
    if (property == DownloadProperty.LOCAL_PATH && value instanceof String path) {
      access.checkDestination(caller, path);
    } else if (property == DownloadProperty.URI && value instanceof String uri) {
      access.checkSource(caller, uri);
    }
  }

  private void getProperty(Context ctx) {
    DownloadProperty property = DownloadProperty.named(ctx.pathParam("name"));
    Download download = download(ctx);
    ctx.json(DownloadPropertyValue.of(property, download.getProperty(property)));
  }

  /** The body is a {@link DownloadPropertyValue}, of which only {@code value} counts. */
  private void setProperty(Context ctx) {
    DownloadProperty property = DownloadProperty.named(ctx.pathParam("name"));
    JsonNode body = Requests.body(ctx, JsonNode.class);
    if (!body.isObject() || !body.has("value")) {
      throw Requests.invalid("the body is {\"value\": ...}");
    }
    Object value;
    try {
      value = Requests.mapper().treeToValue(body.get("value"), Object.class);
    } catch (IOException e) {
      throw Requests.invalid("unreadable value: " + e.getMessage());
    }
    Object java = DownloadPropertyValue.toJava(property, value);
    Download download = download(ctx);
    check(JobEndpoints.caller(ctx), property, java);
    download.setProperty(property, java);
    ctx.status(204);
  }

  private void action(Context ctx) {
    String action = ctx.pathParam("action");
    if (!List.of(Routes.START, Routes.PAUSE, Routes.ABORT, Routes.FINALIZE).contains(action)) {
      Problems.send(
          ctx, 404, Problem.of(HResult.E_INVALIDARG, "no such route: POST " + ctx.path()));
      return;
    }
    List<DownloadRange> ranges = null;
    if (action.equals(Routes.START) && ctx.bodyAsBytes().length > 0) {
      StartDownloadRequest request = Requests.body(ctx, StartDownloadRequest.class);
      if (request.ranges() != null) {
        ranges = new ArrayList<>();
        for (FileView.Range range : request.ranges()) {
          if (range == null) {
            throw Requests.invalid("a range is null");
          }
          ranges.add(new DownloadRange(range.offset(), range.length()));
        }
      }
    }
    Download download = download(ctx);
    switch (action) {
      case Routes.START -> download.start(ranges);
      case Routes.PAUSE -> download.pause();
      case Routes.ABORT -> download.abort();
      default -> download.finalizeDownload();
    }
    ctx.json(DownloadView.of(download));
  }

  /**
   * Creates a download and sets {@code values} on it in order; a value refused aborts the download,
   * so a failed create leaves nothing behind.
   */
  public static Download createWith(
      dev.ferry.api.delivery.DeliveryManager manager,
      List<Map.Entry<DownloadProperty, Object>> values) {
    Download download = manager.createDownload();
    try {
      for (Map.Entry<DownloadProperty, Object> value : values) {
        download.setProperty(value.getKey(), value.getValue());
      }
    } catch (RuntimeException e) {
      try {
        download.abort();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return download;
  }
}
