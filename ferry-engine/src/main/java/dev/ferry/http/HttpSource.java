package dev.ferry.http;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.CustomHeaders;
import dev.ferry.spi.Clock;
import dev.ferry.spi.RangeNotSatisfiable;
import dev.ferry.spi.ResponseInfo;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.CircularRedirectException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.RedirectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Downloads over HTTP and HTTPS with Apache HttpClient's classic (blocking) API, which runs well on
 * virtual threads. One pooled client per engine; connections are reused across files.
 */
public final class HttpSource implements Source, AutoCloseable {
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
  private static final String PROXY_ATTRIBUTE = "ferry.proxy";

  private final CloseableHttpClient client;
  private final ProxySelection proxies;

  private final Clock clock;

  /**
   * @param connectionsPerRoute the most connections open to one server at once
   */
  public HttpSource(
      Duration connectTimeout,
      Duration readTimeout,
      ProxySelection proxies,
      javax.net.ssl.SSLContext tls,
      int connectionsPerRoute,
      Clock clock) {
    this.proxies = proxies;
    this.clock = clock;
    PoolingHttpClientConnectionManager connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(connectTimeout))
                    .setSocketTimeout(Timeout.of(readTimeout))
                    .build())
            .setDefaultSocketConfig(
                SocketConfig.custom().setSoTimeout(Timeout.of(readTimeout)).build())
            .setTlsSocketStrategy(new LazyTls(tls))
            .setMaxConnTotal(4 * connectionsPerRoute)
            .setMaxConnPerRoute(connectionsPerRoute)
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(connections)
            .disableContentCompression()
            .disableAutomaticRetries()
            // One client serves every user's jobs: a cookie jar would carry one user's session
            // into another's requests. It also spares each small file's request two steps.
            .disableCookieManagement()
            .setUserAgent("Ferry/0.1")
            .setRoutePlanner(new JobRoutePlanner())
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setRedirectsEnabled(true)
                    .setMaxRedirects(10)
                    .setCircularRedirectsAllowed(false)
                    .setResponseTimeout(Timeout.of(readTimeout))
                    .build())
            .build();
  }

  @Override
  public SourceKind kind() {
    return SourceKind.ORIGIN;
  }

  @Override
  public String protocol() {
    return "http";
  }

  @Override
  public boolean isOriginFor(java.net.URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public TransferFailure classify(IOException e, String doing) {
    return classifyFailure(e, doing);
  }

  /** Last-Modified, which the finished file keeps as its modification time. */
  @Override
  public Optional<Instant> modificationTime(Validators validators) {
    if (validators.lastModified() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(HttpDate.parse(validators.lastModified()));
    } catch (java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public SourceResponse open(SourceRequest request) throws TransferFailure {
    HttpClientContext context = HttpClientContext.create();
    try {
      ProxySelection.Proxy proxy = proxies.select(request.uri(), request.proxy()).orElse(null);
      context.setAttribute(PROXY_ATTRIBUTE, proxy);
    } catch (ProxySelection.InvalidProxyException e) {
      throw TransferFailure.fatal(
          HResult.BG_E_INVALID_PROXY_INFO, ErrorContext.GENERAL_TRANSPORT, "http", e.getMessage());
    }
    HttpGet get = newGet(request);
    ClassicHttpResponse response;
    try {
      try {
        response = client.executeOpen(null, get, context);
      } catch (NoHttpResponseException stale) {
        // A kept-alive connection the server had already closed (or spoiled with bytes past the
        // last response) fails before any answer; a GET may safely go once more, on a new one.
        get = newGet(request);
        response = client.executeOpen(null, get, context);
      }
    } catch (IOException e) {
      throw classifyFailure(e, "connecting to " + request.uri().getHost());
    }
    boolean handedOver = false;
    try {
      SourceResponse opened = interpret(request, get, response, responseInfo(context, response));
      handedOver = true;
      return opened;
    } finally {
      if (!handedOver) {
        closeQuietly(response);
      }
    }
  }

  private static HttpGet newGet(SourceRequest request) {
    HttpGet get = new HttpGet(request.uri());
    if (request.wantsRange()) {
      get.setHeader(
          "Range",
          "bytes=" + request.start() + "-" + (request.end() >= 0 ? request.end() - 1 : ""));
      String ifRange = request.known().ifRange();
      if (ifRange != null) {
        get.setHeader("If-Range", ifRange);
      }
    }
    for (Map.Entry<String, String> header :
        CustomHeaders.parse(request.customHeaders()).entrySet()) {
      get.setHeader(header.getKey(), header.getValue());
    }
    return get;
  }

  private static ResponseInfo responseInfo(
      HttpClientContext context, ClassicHttpResponse response) {
    String address = null;
    var endpoint = context.getEndpointDetails();
    if (endpoint != null
        && endpoint.getRemoteAddress() instanceof java.net.InetSocketAddress remote
        && remote.getAddress() != null) {
      address = remote.getAddress().getHostAddress();
    }
    String redirect = null;
    var redirects = context.getRedirectLocations();
    if (redirects != null && redirects.size() > 0) {
      redirect = redirects.get(redirects.size() - 1).toString();
    }
    return new ResponseInfo(response.getCode(), address, redirect);
  }

  private SourceResponse interpret(
      SourceRequest request, HttpGet get, ClassicHttpResponse response, ResponseInfo info)
      throws TransferFailure {
    int code = response.getCode();
    String headers = headerBlock(response);
    String etag = value(response, "ETag");
    String lastModified = value(response, "Last-Modified");
    HttpEntity entity = response.getEntity();
    long announced = entity == null ? -1 : entity.getContentLength();
    if (code == 200) {
      return new Response(
          get,
          response,
          0,
          announced,
          new Validators(announced, etag, lastModified),
          headers,
          info);
    }
    if (code == 206) {
      String contentRange = value(response, "Content-Range");
      Matcher m = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange.trim());
      if (m == null || !m.matches()) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE,
            "http",
            "206 response with a missing or multi-part Content-Range: " + contentRange);
      }
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
      long length = last - first + 1;
      if (last < first
          || (total >= 0 && last >= total)
          || (announced >= 0 && announced != length)) {
        throw TransferFailure.fatal(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            ErrorContext.REMOTE_FILE,
            "http",
            "inconsistent Content-Range '" + contentRange + "' with Content-Length " + announced);
      }
      return new Response(
          get, response, first, length, new Validators(total, etag, lastModified), headers, info);
    }
    if (code == 416) {
      String contentRange = value(response, "Content-Range");
      long total = -1;
      if (contentRange != null && contentRange.trim().startsWith("bytes */")) {
        try {
          total = Long.parseLong(contentRange.trim().substring("bytes */".length()).trim());
        } catch (NumberFormatException ignored) {
          total = -1;
        }
      }
      throw new RangeNotSatisfiable(
          total,
          "http",
          "the server answered 416 Range Not Satisfiable (remote size " + total + ")");
    }
    throw statusFailure(code, response);
  }

  private TransferFailure statusFailure(int code, ClassicHttpResponse response) {
    int hresult =
        code >= 100 && code <= 999
            ? HResult.httpError(code)
            : HResult.BG_E_INVALID_SERVER_RESPONSE.value();
    boolean transientError = code == 408 || code == 429 || code >= 500;
    Duration retryAfter =
        transientError ? retryAfter(value(response, "Retry-After"), clock.millis()) : null;
    String message = "the server answered " + code + " " + response.getReasonPhrase();
    if (code >= 300 && code < 400) {
      message += " (a redirect without a usable Location)";
      hresult = HResult.ERROR_INTERNET_REDIRECT_FAILED.value();
    }
    return new TransferFailure(
        hresult, ErrorContext.REMOTE_FILE, transientError, "http", retryAfter, message, null);
  }

  /** Retry-After in seconds or as a date, measured from {@code nowMillis}. */
  static Duration retryAfter(String value, long nowMillis) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = HttpDate.parse(value);
        Duration wait = Duration.between(Instant.ofEpochMilli(nowMillis), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (java.time.DateTimeException notDate) {
        return null;
      }
    }
  }

  /** Maps an I/O failure of the network side to its documented code and class. */
  static TransferFailure classifyFailure(IOException e, String doing) {
    String detail =
        doing
            + ": "
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage());
    Throwable cause =
        e instanceof ClientProtocolException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof RedirectException || cause instanceof CircularRedirectException) {
      return TransferFailure.fatal(
          HResult.ERROR_INTERNET_REDIRECT_FAILED, ErrorContext.REMOTE_FILE, "http", detail);
    }
    if (cause instanceof SSLException) {
      return TransferFailure.fatal(
          HResult.ERROR_INTERNET_SECURE_FAILURE, ErrorContext.GENERAL_TRANSPORT, "http", detail);
    }
    if (cause instanceof UnknownHostException) {
      return TransferFailure.transientFailure(
          HResult.ERROR_INTERNET_NAME_NOT_RESOLVED,
          ErrorContext.GENERAL_TRANSPORT,
          "http",
          detail,
          e);
    }
    if (cause instanceof ConnectTimeoutException
        || cause instanceof SocketTimeoutException
        || cause instanceof InterruptedIOException) {
      return TransferFailure.transientFailure(
          HResult.ERROR_INTERNET_TIMEOUT, ErrorContext.GENERAL_TRANSPORT, "http", detail, e);
    }
    if (cause instanceof HttpHostConnectException
        || cause instanceof ConnectException
        || cause instanceof NoRouteToHostException) {
      return TransferFailure.transientFailure(
          HResult.ERROR_INTERNET_CANNOT_CONNECT, ErrorContext.GENERAL_TRANSPORT, "http", detail, e);
    }
    if (cause instanceof ConnectionClosedException) {
      return TransferFailure.transientFailure(
          HResult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT, "http", detail, e);
    }
    if (cause instanceof MalformedChunkCodingException
        || cause instanceof MessageConstraintException
        || cause instanceof ProtocolException
        || cause instanceof HttpException) {
      return TransferFailure.transientFailure(
          HResult.BG_E_INVALID_SERVER_RESPONSE, ErrorContext.REMOTE_FILE, "http", detail, e);
    }
    if (cause instanceof SocketException) {
      return TransferFailure.transientFailure(
          HResult.ERROR_INTERNET_CONNECTION_RESET,
          ErrorContext.GENERAL_TRANSPORT,
          "http",
          detail,
          e);
    }
    return TransferFailure.transientFailure(
        HResult.BG_E_CONNECTION_CLOSED, ErrorContext.GENERAL_TRANSPORT, "http", detail, e);
  }

  private static String value(ClassicHttpResponse response, String name) {
    Header header = response.getFirstHeader(name);
    return header == null ? null : header.getValue();
  }

  private static String headerBlock(ClassicHttpResponse response) {
    StringBuilder block = new StringBuilder();
    block
        .append(response.getVersion() == null ? "HTTP/1.1" : response.getVersion().format())
        .append(' ')
        .append(response.getCode());
    if (response.getReasonPhrase() != null && !response.getReasonPhrase().isEmpty()) {
      block.append(' ').append(response.getReasonPhrase());
    }
    block.append("\r\n");
    for (Header header : response.getHeaders()) {
      block.append(header.getName()).append(": ").append(header.getValue()).append("\r\n");
    }
    return block.toString();
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException ignored) {
      // The connection is discarded either way.
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // Closing the pool only releases sockets.
    }
  }

  /**
   * An open response. A body read to its end gives its connection back to the pool, so the next
   * file of a job reuses it; anything else aborts the connection, since draining the rest of a
   * large body would cost more than a new connection.
   */
  private static final class Response implements SourceResponse {
    private final HttpGet request;
    private final ClassicHttpResponse response;
    private final long start;
    private final long length;
    private final Validators validators;
    private final String headerBlock;
    private final ResponseInfo info;
    private volatile boolean consumed;

    Response(
        HttpGet request,
        ClassicHttpResponse response,
        long start,
        long length,
        Validators validators,
        String headerBlock,
        ResponseInfo info) {
      this.info = info;
      this.request = request;
      this.response = response;
      this.start = start;
      this.length = length;
      this.validators = validators;
      this.headerBlock = headerBlock;
    }

    @Override
    public long start() {
      return start;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Validators validators() {
      return validators;
    }

    @Override
    public String headerBlock() {
      return headerBlock;
    }

    @Override
    public ResponseInfo info() {
      return info;
    }

    @Override
    public InputStream body() throws IOException {
      HttpEntity entity = response.getEntity();
      return entity == null ? InputStream.nullInputStream() : entity.getContent();
    }

    @Override
    public void consumed() {
      consumed = true;
    }

    @Override
    public void abort() {
      request.cancel();
    }

    @Override
    public void close() {
      if (!consumed && !request.isCancelled()) {
        request.cancel();
      }
      closeQuietly(response);
    }
  }

  /** Routes each request through the proxy its job chose. */
  private static final class JobRoutePlanner extends DefaultRoutePlanner {
    JobRoutePlanner() {
      super(null);
    }

    @Override
    protected HttpHost determineProxy(HttpHost target, HttpContext context) {
      Object proxy = context.getAttribute(PROXY_ATTRIBUTE);
      if (proxy instanceof ProxySelection.Proxy p) {
        return new HttpHost(p.scheme(), p.host(), p.port());
      }
      return null;
    }
  }

  /**
   * TLS made ready at the first https connection: loading the system trust store costs a one-shot
   * command tens of milliseconds, and plain http never needs it.
   */
  private static final class LazyTls implements TlsSocketStrategy {
    private final javax.net.ssl.SSLContext tls;
    private volatile TlsSocketStrategy strategy;

    LazyTls(javax.net.ssl.SSLContext tls) {
      this.tls = tls;
    }

    @Override
    public javax.net.ssl.SSLSocket upgrade(
        java.net.Socket socket, String target, int port, Object attachment, HttpContext context)
        throws IOException {
      return strategy().upgrade(socket, target, port, attachment, context);
    }

    private TlsSocketStrategy strategy() {
      TlsSocketStrategy ready = strategy;
      if (ready == null) {
        synchronized (this) {
          ready = strategy;
          if (ready == null) {
            ready =
                tls == null
                    ? DefaultClientTlsStrategy.createSystemDefault()
                    : new DefaultClientTlsStrategy(tls);
            strategy = ready;
          }
        }
      }
      return ready;
    }
  }
}
