package dev.ferry.bench;

import java.io.IOException;
import java.io.InputStream;
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
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.io.CloseMode;

/**
 * The small-files scenario's reference: what the HTTP library Ferry is built on costs by itself. It
 * downloads a list of URLs the way Ferry does (Apache HttpClient 5's classic API, {@code -j}
 * virtual threads sharing a pool of kept-alive connections, each body copied into a new file
 * through a FileChannel, TLS set up only if used) and does nothing else: no job, no store, no part
 * file, no checks. A fresh JVM running only this is the floor a JVM downloader built on this
 * library starts from; bench/run times it beside Ferry, wget2 and aria2c.
 *
 * <pre>
 * java -cp ferry-bench/target/benchmarks.jar dev.ferry.bench.BareGet -d DIR -i LIST [-j 4]</pre>
 */
public final class BareGet {
  private BareGet() {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    Path list = null;
    int parallel = 4;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-d" -> dir = Path.of(args[++i]);
        case "-i" -> list = Path.of(args[++i]);
        case "-j" -> parallel = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null || list == null || parallel < 1) {
      System.err.println("usage: BareGet -d DIR -i LIST [-j N]");
      System.exit(2);
    }
    List<String> urls = new ArrayList<>();
    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        urls.add(line.strip());
      }
    }
    int failures = download(urls, dir, parallel);
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int download(List<String> urls, Path dir, int parallel) throws Exception {
    AtomicInteger next = new AtomicInteger();
    CloseableHttpClient client =
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
                  fetch(client, url, dir.resolve(fileName(url)), buffer);
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
    } finally {
      // Waiting for kept-alive connections to close gracefully only delays the exit.
      client.close(CloseMode.IMMEDIATE);
    }
    return failures;
  }

  private static void fetch(CloseableHttpClient client, String url, Path target, ByteBuffer buffer)
      throws IOException {
    client.execute(
        new HttpGet(url),
        response -> {
          if (response.getCode() != 200) {
            throw new IOException("HTTP " + response.getCode());
          }
          try (InputStream in = response.getEntity().getContent();
              FileChannel out =
                  FileChannel.open(
                      target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] bytes = buffer.array();
            for (int n; (n = in.read(bytes)) > 0; ) {
              out.write(buffer.clear().limit(n));
            }
          }
          return null;
        });
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
