package dev.ferry.daemon.dashboard;

import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files: the page, its script and style (resources of this module) and uPlot, the
 * chart library, from its WebJar on the classpath, so the page needs nothing from the internet.
 * They hold no data (everything shown comes from the API, behind the token), so they are served to
 * anyone, with a policy that lets the page load scripts, styles and data from ferryd alone.
 */
public final class PageFiles {
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";

  /** The page's policy: ferryd's own scripts and data only, never framed by another page. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private record File(String contentType, byte[] bytes) {}

  private final Map<String, File> files = new LinkedHashMap<>();

  private PageFiles() {}

  /** Reads the files from the classpath. */
  public static PageFiles load() {
    PageFiles page = new PageFiles();
    String html = "text/html; charset=utf-8";
    page.files.put(Routes.PAGE, new File(html, resource("dashboard/index.html")));
    page.files.put(
        Routes.PAGE + "app.js",
        new File("text/javascript; charset=utf-8", resource("dashboard/app.js")));
    page.files.put(
        Routes.PAGE + "app.css",
        new File("text/css; charset=utf-8", resource("dashboard/app.css")));
    String uplot = UPLOT + uplotVersion() + "/dist/";
    page.files.put(
        Routes.PAGE + "vendor/uPlot.iife.min.js",
        new File("text/javascript; charset=utf-8", resource(uplot + "uPlot.iife.min.js")));
    page.files.put(
        Routes.PAGE + "vendor/uPlot.min.css",
        new File("text/css; charset=utf-8", resource(uplot + "uPlot.min.css")));
    return page;
  }

  /**
   * Whether {@code path} is one of the dashboard's files, which need no token. The session login
   * and anything else under the page's path are not.
   */
  public boolean isPublic(String path) {
    return files.containsKey(path) || path.equals(pageWithoutSlash());
  }

  /** Registers a route for each file. */
  public void register(RoutesConfig routes) {
    for (Map.Entry<String, File> e : files.entrySet()) {
      File file = e.getValue();
      routes.get(
          e.getKey(),
          ctx -> {
            // Javalin answers /ui as /ui/; the page's relative links need the slash.
            if (!ctx.path().endsWith("/") && e.getKey().equals(Routes.PAGE)) {
              ctx.redirect(Routes.PAGE);
            } else {
              serve(ctx, file);
            }
          });
    }
  }

  private static void serve(Context ctx, File file) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    // The files change with the daemon's version, so a browser must not keep an old one.
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(file.contentType()).result(file.bytes());
  }

  private static String pageWithoutSlash() {
    return Routes.PAGE.substring(0, Routes.PAGE.length() - 1);
  }

  /** The WebJar's version, from its Maven properties, so a new version needs no change here. */
  private static String uplotVersion() {
    Properties properties = new Properties();
    try (InputStream in =
        PageFiles.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("uPlot's WebJar is missing from the classpath");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageFiles.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the daemon's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
