package dev.ferry.daemon.doagent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.rest.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's two configuration files in its configuration directory ({@link
 * DoAgentOptions#CONFIG_DIR}), read as the agent reads them:
 *
 * <ul>
 *   <li>{@code admin-config.json}, the administrator's: {@code RestControllerValidateRemoteAddr}
 *       (default true: callers whose address is not loopback are refused), {@code DOCacheHost},
 *       {@code DODelayCacheServerFallbackBackground} and {@code ...Foreground} (seconds);
 *   <li>{@code sdk-config.json}, written by the SDK's {@code
 *       deliveryoptimization_set_iot_connection_string}: {@code ADUC_IoTConnectionString}, whose
 *       {@code GatewayHostName=} names the cache host when {@code DOCacheHost} does not.
 * </ul>
 *
 * <p>Both are read when the agent starts and again when a request comes more than a minute after
 * the last reading, as the agent refreshes them. A missing file means the defaults; one that cannot
 * be parsed keeps what was read before, as with the agent. The cache host and its fallback delay
 * become the engine's cache servers when ferryd starts without {@code --cache-host} (see {@code
 * FerryDaemon.cacheHosts}); a change to them takes effect at ferryd's next start.
 */
public final class AgentConfig {
  private static final Logger log = LoggerFactory.getLogger(AgentConfig.class);

  static final String ADMIN_FILE = "admin-config.json";
  static final String SDK_FILE = "sdk-config.json";
  static final Duration REFRESH = Duration.ofSeconds(60);

  /**
   * What the files say.
   *
   * @param validateRemoteAddr whether callers whose address is not loopback are refused
   * @param cacheHost the cache server to try before the origin
   * @param cacheFallbackDelay how long to keep trying the cache server before the origin; negative
   *     for never
   * @param iotConnectionString the Device Update agent's connection string, as written
   */
  public record Values(
      boolean validateRemoteAddr,
      Optional<String> cacheHost,
      Optional<Duration> cacheFallbackDelay,
      Optional<String> iotConnectionString) {
    static final Values DEFAULTS =
        new Values(true, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private final Path dir;
  private JsonNode admin;
  private JsonNode sdk;
  private volatile Values values = Values.DEFAULTS;
  private volatile long nextReadNanos;

  private AgentConfig(Path dir) {
    this.dir = dir;
  }

  /** Reads the files in {@code dir} (which need not exist). */
  public static AgentConfig load(Path dir) {
    AgentConfig config = new AgentConfig(dir);
    config.read();
    Values v = config.values;
    log.info(
        "DO agent configuration in {}: callers from non-loopback addresses {}{}",
        dir,
        v.validateRemoteAddr() ? "refused" : "served (RestControllerValidateRemoteAddr=false)",
        v.cacheHost()
            .map(h -> "; cache host " + h + " (the engine's when ferryd has no --cache-host)")
            .orElse(""));
    return config;
  }

  public Path directory() {
    return dir;
  }

  /** The values in force, read again if the last reading is more than a minute old. */
  public Values current() {
    if (System.nanoTime() - nextReadNanos >= 0) {
      synchronized (this) {
        if (System.nanoTime() - nextReadNanos >= 0) {
          read();
        }
      }
    }
    return values;
  }

  private synchronized void read() {
    admin = readFile(dir.resolve(ADMIN_FILE), admin);
    sdk = readFile(dir.resolve(SDK_FILE), sdk);
    values = parse(admin, sdk);
    nextReadNanos = System.nanoTime() + REFRESH.toNanos();
  }

  /** The file's JSON; null when there is none; {@code previous} when it cannot be parsed. */
  private static JsonNode readFile(Path file, JsonNode previous) {
    try {
      JsonNode node = Json.mapper().readTree(Files.readAllBytes(file));
      if (node == null || !node.isObject()) {
        log.warn("{} is not a JSON object; keeping what was read before", file);
        return previous;
      }
      return node;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      log.warn("cannot read {}: {}; keeping what was read before", file, e.getMessage());
      return previous;
    }
  }

  static Values parse(JsonNode admin, JsonNode sdk) {
    boolean validate = flag(admin, "RestControllerValidateRemoteAddr").orElse(true);
    Optional<String> iot = text(sdk, "ADUC_IoTConnectionString");
    Optional<String> cacheHost = text(admin, "DOCacheHost").filter(h -> !h.isBlank());
    if (cacheHost.isEmpty()) {
      cacheHost = iot.flatMap(AgentConfig::gatewayHostName);
    }
    OptionalLong delay = number(admin, "DODelayCacheServerFallbackBackground");
    if (delay.isEmpty()) {
      delay = number(admin, "DODelayCacheServerFallbackForeground");
    }
    Optional<Duration> fallback =
        delay.isPresent() ? Optional.of(Duration.ofSeconds(delay.getAsLong())) : Optional.empty();
    return new Values(validate, cacheHost, fallback, iot);
  }

  /** The value of {@code GatewayHostName=} (any case) up to the next {@code ;}. */
  static Optional<String> gatewayHostName(String connectionString) {
    String key = "gatewayhostname=";
    int at = connectionString.toLowerCase(Locale.ROOT).indexOf(key);
    if (at < 0) {
      return Optional.empty();
    }
    String rest = connectionString.substring(at + key.length());
    int end = rest.indexOf(';');
    String host = (end < 0 ? rest : rest.substring(0, end)).strip();
    return host.isEmpty() ? Optional.empty() : Optional.of(host);
  }

  private static Optional<String> text(JsonNode node, String name) {
    if (node == null || !node.has(name) || !node.get(name).isValueNode()) {
      return Optional.empty();
    }
    return Optional.of(node.get(name).asText());
  }

  /** A boolean as JSON or as the text the agent's parser takes ({@code true}, {@code 0}...). */
  private static Optional<Boolean> flag(JsonNode node, String name) {
    if (node == null || !node.has(name)) {
      return Optional.empty();
    }
    JsonNode value = node.get(name);
    if (value.isBoolean()) {
      return Optional.of(value.booleanValue());
    }
    return switch (value.asText().strip().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> Optional.of(true);
      case "false", "0" -> Optional.of(false);
      default -> {
        log.warn("{}: '{}' is not a boolean; using the default", name, value.asText());
        yield Optional.empty();
      }
    };
  }

  private static OptionalLong number(JsonNode node, String name) {
    if (node == null || !node.has(name)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(node.get(name).asText().strip()));
    } catch (NumberFormatException e) {
      log.warn("{}: '{}' is not a number; ignored", name, node.get(name).asText());
      return OptionalLong.empty();
    }
  }
}
