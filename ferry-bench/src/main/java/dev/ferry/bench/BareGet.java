package dev.ferry.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.impl.bootstrap.HttpRequester;
import org.apache.hc.core5.http.impl.bootstrap.RequesterBootstrap;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * The small-files scenario's references: what the HTTP library Ferry is built on costs by itself.
 * It downloads a list of URLs the way Ferry does ({@code -j} virtual threads sharing a pool of
 * kept-alive connections, each body copied into a new file through a FileChannel, TLS set up only
 * if used) and does nothing else: no job, no store, no part file, no checks. By default it uses
 * Apache HttpClient 5's classic API, as Ferry does; {@code --core} uses HttpCore 5's classic
 * requester beneath it (no redirects, authentication, proxies or route planning). A fresh JVM
 * running only this is the floor a JVM downloader built on this library starts from; bench/run
 * times both beside Ferry, wget2 and aria2c.
 *
 * <pre>
 * java -cp ferry-bench/target/benchmarks.jar dev.ferry.bench.BareGet -d DIR -i LIST [-j 4] [--core]
 * </pre>
 */
public final class BareGet {
  private BareGet() {}

  /** One GET into a new file. */
  private interface Fetcher extends AutoCloseable {
    void fetch(String url, Path target, ByteBuffer buffer) throws IOException;

    @Override
    void close();
  }

  public static void main(String[] args) throws Exception {
    Path dir = null;
    Path list = null;
    int parallel = 4;
    boolean core = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-d" -> dir = Path.of(args[++i]);
        case "-i" -> list = Path.of(args[++i]);
        case "-j" -> parallel = Integer.parseInt(args[++i]);
        case "--core" -> core = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null || list == null || parallel < 1) {
      System.err.println("usage: BareGet -d DIR -i LIST [-j N] [--core]");
      System.exit(2);
    }
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        urls.add(line.strip());
      }
    }
    int failures;
    try (Fetcher fetcher = core ? new CoreFetcher(parallel) : new ClientFetcher(parallel)) {
      failures = download(fetcher, urls, dir, parallel);
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int download(Fetcher fetcher, List<String> urls, Path dir, int parallel)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    int failures = 0;
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int w = 0; w < parallel; w++) {
        results.add(
            workers.submit(() -> {
              ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
              int failed = 0;
              for (int i; (i = next.getAndIncrement()) < urls.size(); ) {
                String url = urls.get(i);
                try {
                  fetcher.fetch(url, dir.resolve(fileName(url)), buffer);
                } catch (IOException e) {
                  System.err.println(url + ": " + e);
                  failed++;
                }
              }
              return failed;
            }));
      }
      for (Future<Integer> result : results) {
        failures += result.get();
      }
    }
    return failures;
  }

  /** Copies a 200 response's body into a new file; anything else is an error. */
  private static void save(ClassicHttpResponse response, Path target, ByteBuffer buffer)
      throws IOException {
    if (response.getCode() != 200) {
      throw new IOException("HTTP " + response.getCode());
    }
    try (InputStream in = response.getEntity().getContent();
        FileChannel out =
            FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] bytes = buffer.array();
      for (int n; (n = in.read(bytes)) > 0; ) {
        out.write(buffer.clear().limit(n));
      }
    }
  }

  /** HttpClient 5's classic API, configured as Ferry's HttpSource is. */
  private static final class ClientFetcher implements Fetcher {
    private final CloseableHttpClient client;

    ClientFetcher(int parallel) {
      client =
          HttpClients.custom()
              .setConnectionManager(
                  PoolingHttpClientConnectionManagerBuilder.create()
                      // TLS set up on first use, as Ferry does: the default strategy loads the
                      // JDK's trusted certificates while the client is built.
                      .setTlsSocketStrategy((socket, target, port, attachment, context) ->
                          Tls.STRATEGY.upgrade(socket, target, port, attachment, context))
                      .setMaxConnTotal(parallel)
                      .setMaxConnPerRoute(parallel)
                      .build())
              .disableContentCompression()
              .disableAutomaticRetries()
              .disableCookieManagement()
              .build();
    }

    @Override
    public void fetch(String url, Path target, ByteBuffer buffer) throws IOException {
      client.execute(
          new HttpGet(url),
          response -> {
            save(response, target, buffer);
            return null;
          });
    }

    @Override
    public void close() {
      // Waiting for kept-alive connections to close gracefully only delays the exit.
      client.close(CloseMode.IMMEDIATE);
    }
  }

  /** HttpCore 5's classic requester: a connection pool and the HTTP/1.1 exchange, nothing more. */
  private static final class CoreFetcher implements Fetcher {
    private final HttpRequester requester;

    CoreFetcher(int parallel) {
      requester =
          RequesterBootstrap.bootstrap()
              // Left unset, the JDK's default TLS context (and its trusted certificates) would be
              // loaded as the requester is built.
              .setSslSocketFactory(new LazyTlsSockets())
              .setMaxTotal(parallel)
              .setDefaultMaxPerRoute(parallel)
              .create();
    }

    @Override
    public void fetch(String url, Path target, ByteBuffer buffer) throws IOException {
      URI uri = URI.create(url);
      HttpHost host = HttpHost.create(uri);
      ClassicHttpRequest get =
          ClassicRequestBuilder.get().setHttpHost(host).setPath(uri.getRawPath()).build();
      try (ClassicHttpResponse response =
          requester.execute(host, get, Timeout.ofMinutes(1), HttpCoreContext.create())) {
        save(response, target, buffer);
      } catch (HttpException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void close() {
      requester.close(CloseMode.IMMEDIATE);
    }
  }

  /** The JDK's default TLS sockets, set up when the first one is made. */
  private static final class LazyTlsSockets extends SSLSocketFactory {
    private static SSLSocketFactory tls() {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return tls().getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return tls().getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
        throws IOException {
      return tls().createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return tls().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return tls().createSocket(host, port, local, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return tls().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
        throws IOException {
      return tls().createSocket(host, port, local, localPort);
    }
  }

  /** Built on first use only. */
  private static final class Tls {
    static final TlsSocketStrategy STRATEGY = DefaultClientTlsStrategy.createSystemDefault();
  }

  private static String fileName(String url) {
    String path = URI.create(url).getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
