package dev.ferry.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.ArgumentRules;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's cache hosts as {@code ferry policy} sets them, kept in the data directory as {@code
 * cache-hosts.json} with the names of DO's policies: {@code DOCacheHost} (hosts separated by
 * commas), {@code DODelayCacheServerFallbackForeground} and {@code ...Background} (seconds; -1
 * never falls back; absent or 0 falls back at the first failure). An engine opened without cache
 * hosts in its configuration reads it ({@code Ferry.open}); a file that cannot be read leaves the
 * engine without cache hosts, with a warning, rather than failing it.
 */
public final class CacheConfigFile {
  private static final Logger log = LoggerFactory.getLogger(CacheConfigFile.class);

  public static final String NAME = "cache-hosts.json";

  private static final String HOSTS = "DOCacheHost";
  private static final String FOREGROUND = "DODelayCacheServerFallbackForeground";
  private static final String BACKGROUND = "DODelayCacheServerFallbackBackground";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CacheConfigFile() {}

  /** The settings the file in {@code dataDir} holds, if there is one that can be read. */
  public static Optional<CacheSettings> read(Path dataDir) {
    Path file = dataDir.resolve(NAME);
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      JsonNode hosts = root.path(HOSTS);
      return Optional.of(
          new CacheSettings(
                  ArgumentRules.cacheHosts(hosts.isTextual() ? hosts.asText() : ""),
                  CacheSettings.UNSET,
                  CacheSettings.UNSET)
              .withDelays(seconds(root, FOREGROUND), seconds(root, BACKGROUND)));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException | FerryException | IllegalArgumentException e) {
      log.warn("{} cannot be used, so no cache host from it: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  private static Long seconds(JsonNode root, String name) throws IOException {
    JsonNode value = root.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToLong()) {
      throw new IOException(name + " is not a number of seconds: " + value);
    }
    return value.asLong();
  }

  /**
   * Writes {@code settings} to the file in {@code dataDir}, whole or not at all (a new file moved
   * over the old one).
   *
   * @throws FerryException when it cannot be written
   */
  public static void write(Path dataDir, CacheSettings settings) {
    ObjectNode root = JSON.createObjectNode();
    root.put(HOSTS, String.join(",", settings.hosts()));
    putDelay(root, FOREGROUND, settings.foregroundDelay());
    putDelay(root, BACKGROUND, settings.backgroundDelay());
    Path file = dataDir.resolve(NAME);
    Path temp = dataDir.resolve(NAME + ".new");
    try {
      Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new FerryException(
          HResult.E_FAIL, "cannot write the cache hosts to " + file + ": " + e.getMessage());
    }
  }

  private static void putDelay(ObjectNode root, String name, Duration delay) {
    Long seconds = CacheSettings.secondsOf(delay);
    if (seconds != null) {
      root.put(name, seconds);
    }
  }
}
