package dev.ferry.cache;

import dev.ferry.api.HResult;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.OriginHeldOff;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache hosts of one file, as one source of kind {@link SourceKind#CACHE_SERVER}: each request
 * goes to the first host not banned for the file's origin host, at the URL {@link CacheUrl} makes,
 * through the engine's HTTP machinery (an {@link dev.ferry.http.HttpSource} of its own with a 3 s
 * connect timeout), directly rather than through the job's proxy, since a cache host stands on the
 * local network. A host that answers 4xx is banned for that origin host, one that cannot be reached
 * (timeout, unknown name, refused connection) for every origin ({@link CacheBans}). When every host
 * failed, the file's fallback delay decides: passed (or unset), the failure sends the planner to
 * the origin; not yet, the failure holds the origin off ({@link OriginHeldOff}) and the job retries
 * later, on the cache hosts again.
 */
final class CacheHostSource implements Source {
  private static final Logger log = LoggerFactory.getLogger(CacheHostSource.class);

  private static final ProxySettings DIRECT = new ProxySettings(ProxyUsage.NO_PROXY, null, null);

  private final FileRef file;
  private final List<String> hosts;
  private final Duration delay;
  private final CacheBans bans;
  private final Source http;

  /** The host that answered last, which a piece that fails its hash is blamed on. */
  private volatile String answered;

  CacheHostSource(FileRef file, CacheSettings settings, CacheBans bans, Source http) {
    this.file = file;
    this.hosts = settings.hosts();
    this.delay = settings.delay(file.foreground());
    this.bans = bans;
    this.http = http;
  }

  @Override
  public SourceKind kind() {
    return SourceKind.CACHE_SERVER;
  }

  @Override
  public String protocol() {
    return "http";
  }

  /**
   * Nothing while every host is banned for the file's origin and the origin may be asked instead;
   * everything otherwise (the cache stands in for the origin).
   */
  @Override
  public long available(URI uri, long offset) {
    if (firstHost(uri).isEmpty() && bans.fallbackDue(file, delay)) {
      return 0;
    }
    return Long.MAX_VALUE;
  }

  private Optional<String> firstHost(URI uri) {
    String origin = uri.getHost();
    return hosts.stream().filter(host -> !bans.isBanned(host, origin)).findFirst();
  }

  @Override
  public SourceResponse open(SourceRequest request) throws TransferFailure {
    String origin = request.uri().getHost();
    TransferFailure last = null;
    for (String host : hosts) {
      var ban = bans.banOf(host, origin);
      if (ban.isPresent()) {
        last = last != null ? last : bannedFailure(host, ban.get().reason());
        continue;
      }
      URI at = CacheUrl.rewrite(request.uri(), host);
      try {
        SourceResponse response =
            http.open(
                new SourceRequest(
                    at,
                    request.start(),
                    request.end(),
                    request.known(),
                    request.customHeaders(),
                    DIRECT));
        answered = host;
        log.debug("cache host {} serves {}", host, file.uri());
        return new Served(response, host);
      } catch (RangeNotSatisfiable e) {
        throw e;
      } catch (TransferFailure failure) {
        judge(host, origin, failure);
        last = failure;
      }
    }
    if (last == null) {
      last = bannedFailure(String.join(",", hosts), "no cache host");
    }
    throw withFallback(last);
  }

  /**
   * The failure to report for {@code failure} of this file's cache hosts: itself once the fallback
   * delay has passed (the planner goes to the origin), else one that holds the origin off.
   */
  private TransferFailure withFallback(TransferFailure failure) {
    Duration since = bans.failedFor(file);
    if (bans.fallbackDue(file, delay)) {
      logged(failure).addKeyValue("fallback", "origin").log("cache hosts failed; the origin next");
      return failure;
    }
    String why =
        delay.equals(CacheSettings.NEVER)
            ? "the cache fallback delay is -1: the origin is never asked instead"
            : "the origin is asked instead "
                + delay.minus(since).toSeconds()
                + " s from now (cache fallback delay "
                + delay.toSeconds()
                + " s)";
    logged(failure)
        .addKeyValue("fallback", "held off")
        .addKeyValue("reason", why)
        .log("cache hosts failed; the origin held off");
    return new OriginHeldOff(failure, why);
  }

  /** A line about {@code failure} of this file's cache hosts, with the job's keys. */
  private org.slf4j.spi.LoggingEventBuilder logged(TransferFailure failure) {
    return log.atInfo()
        .addKeyValue("job", file.job())
        .addKeyValue("file", file.index())
        .addKeyValue("origin_host", file.uri().getHost())
        .addKeyValue("hresult", String.format("0x%08X", failure.hresult()))
        .addKeyValue("error", failure.getMessage());
  }

  /** Bans a host as Microsoft's Linux agent does: per origin for a 4xx, whole for no answer. */
  private void judge(String host, String origin, TransferFailure failure) {
    int status = HResult.httpStatusOf(failure.hresult());
    if (status >= 400 && status < 500) {
      bans.banPair(host, origin, "answered " + status + " for " + origin);
    } else if (failure.hresult() == HResult.ERROR_INTERNET_TIMEOUT.value()
        || failure.hresult() == HResult.ERROR_INTERNET_NAME_NOT_RESOLVED.value()
        || failure.hresult() == HResult.ERROR_INTERNET_CANNOT_CONNECT.value()) {
      bans.banHost(host, failure.getMessage());
    } else {
      logged(failure).addKeyValue("cache_host", host).log("cache host failed");
    }
  }

  private static TransferFailure bannedFailure(String host, String reason) {
    return TransferFailure.transientFailure(
        HResult.ERROR_INTERNET_CANNOT_CONNECT,
        dev.ferry.api.ErrorContext.GENERAL_TRANSPORT,
        "http",
        "cache host " + host + " is banned: " + reason,
        null);
  }

  /** A piece that failed its hash: the host that sent it is banned, for every origin. */
  @Override
  public void rejected(URI uri, int piece) {
    String host = answered;
    if (host != null) {
      bans.banHost(host, "sent piece " + piece + " of " + uri + ", which failed its hash");
    }
  }

  /**
   * A body broke off: judged as a failure to open would be (a host that stopped answering is
   * banned), and within the fallback delay it holds the origin off, so the part is asked of the
   * cache hosts again rather than of the origin.
   */
  @Override
  public TransferFailure classify(IOException e, String doing) {
    TransferFailure failure = http.classify(e, "from a cache host: " + doing);
    String host = answered;
    if (host != null) {
      judge(host, file.uri().getHost(), failure);
    }
    return withFallback(failure);
  }

  @Override
  public boolean relaysOrigin() {
    return true;
  }

  /**
   * A cache host's response: the whole body read ends the file's fallback delay, if one runs (the
   * cache hosts serve again), where a response that merely opened does not (a host that breaks off
   * every body must not keep the origin away for good).
   */
  private final class Served implements SourceResponse {
    private final SourceResponse response;
    private final String host;

    Served(SourceResponse response, String host) {
      this.response = response;
      this.host = host;
    }

    @Override
    public String place() {
      return host;
    }

    @Override
    public long start() {
      return response.start();
    }

    @Override
    public long length() {
      return response.length();
    }

    @Override
    public dev.ferry.spi.Validators validators() {
      return response.validators();
    }

    @Override
    public String headerBlock() {
      return response.headerBlock();
    }

    @Override
    public dev.ferry.spi.ResponseInfo info() {
      return response.info();
    }

    @Override
    public java.io.InputStream body() throws IOException {
      return response.body();
    }

    @Override
    public void consumed() {
      bans.served(file);
      response.consumed();
    }

    @Override
    public void abort() {
      response.abort();
    }

    @Override
    public void close() {
      response.close();
    }
  }

  @Override
  public String toString() {
    return "cache hosts " + hosts + " for " + file.uri().getHost();
  }
}
