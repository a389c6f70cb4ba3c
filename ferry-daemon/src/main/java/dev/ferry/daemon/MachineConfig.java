package dev.ferry.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.rest.Json;
import dev.ferry.swarm.cache.CachePolicy;
import dev.ferry.swarm.discovery.PeerRestriction;
import dev.ferry.swarm.source.PeerDiscovery;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The machine's Delivery Optimization settings, in one JSON file ferryd reads at start ({@code
 * /etc/ferry/ferryd.json} for the system daemon, {@code DATA-DIR/ferryd.json} for a user's; {@code
 * ferry daemon --config FILE}), and {@code ferry do config} shows and changes. Keys are DO's policy
 * names, in DO's units; a key not set keeps DO's default, and a command-line option of ferryd wins
 * over the file. An unknown key or a value of the wrong kind is an error that names it: ferryd does
 * not start with a file it does not understand.
 *
 * @param values the settings the file sets, by name, checked
 */
public record MachineConfig(SequencedMap<String, JsonNode> values) {
  /** The system daemon's file. */
  public static final Path SYSTEM_FILE = Path.of("/etc/ferry/ferryd.json");

  /** The file's name in a user daemon's data directory. */
  public static final String USER_FILE = "ferryd.json";

  /** One setting: its name, what it is, its default as DO documents it. */
  public record Setting(String name, String meaning, String byDefault) {}

  /** Every setting the file takes, in the order {@code ferry do config} lists them. */
  public static final List<Setting> SETTINGS =
      List.of(
          new Setting(
              "DODownloadMode",
              "how downloads that set no mode find peers: 0 HTTP only, 1 LAN, 2 Group, 3 Internet,"
                  + " 99 Simple (or http, lan, group, internet, simple)",
              "1 (LAN)"),
          new Setting(
              "DOGroupID",
              "the Group ID of Group mode: a GUID (a scope, not a credential)",
              "none"),
          new Setting(
              "DORestrictPeerSelectionBy",
              "which peers LAN mode takes: 0 any, 1 those of this machine's subnets",
              "1 (subnet)"),
          new Setting(
              "Trackers",
              "BitTorrent trackers to announce to: a list of http, https or udp URLs",
              "none"),
          new Setting(
              "DOLocalDiscovery",
              "Ferry's: whether BEP 14 multicast finds peers on the local network (true or false)",
              "true"),
          new Setting("DOMaxCacheSize", "percent of the disk the cache for peers may take", "20"),
          new Setting(
              "DOAbsoluteMaxCacheSize",
              "GB the cache for peers may take (the smaller wins)",
              "none"),
          new Setting(
              "DOMaxCacheAge", "seconds a file is kept for peers, 0 for ever", "259200 (3 days)"),
          new Setting("DOMinFileSizeToCache", "MB under which a file is not kept for peers", "50"),
          new Setting("DOMaxUploadBandwidth", "KB/s sent to peers in all, 0 for no cap", "0"),
          new Setting(
              "DOMonthlyUploadDataCap",
              "GB sent to Internet peers in a calendar month, 0 for no cap",
              "0"),
          new Setting(
              "UploadDelayTarget",
              "Ferry's: milliseconds of queuing delay uploads to peers may add in front of the"
                  + " uplink before they are paced down, as LEDBAT; 0 for no pacing",
              "100"),
          new Setting(
              "DOMinBatteryPercentageAllowedToUpload",
              "the least battery charge, in percent, at which LAN and group peers are served on"
                  + " battery; 0 serves no peer on battery",
              "0"),
          new Setting(
              "DODelayBackgroundDownloadFromHttp",
              "seconds a background download waits for peers before it asks the origin",
              "none"),
          new Setting(
              "DODelayForegroundDownloadFromHttp",
              "seconds a foreground download waits for peers before it asks the origin",
              "none"),
          new Setting(
              "DOMinBackgroundQos",
              "KB/s under which a background download tops peers up from the origin",
              "2500"));

  public MachineConfig {
    values = new LinkedHashMap<>(values);
    for (Map.Entry<String, JsonNode> entry : values.entrySet()) {
      check(entry.getKey(), entry.getValue());
    }
  }

  /** No file: every setting at DO's default. */
  public static final MachineConfig NONE = new MachineConfig(new LinkedHashMap<>());

  /** The file at {@code file}, or {@link #NONE} when there is none. */
  public static MachineConfig load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return NONE;
    }
    JsonNode root;
    try {
      root = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + " must hold one JSON object of settings");
    }
    SequencedMap<String, JsonNode> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      values.put(field.getKey(), field.getValue());
    }
    try {
      return new MachineConfig(values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /** With {@code name} set to {@code text} (a number, true/false, a word, or a JSON value). */
  public MachineConfig with(String name, String text) {
    JsonNode value;
    try {
      value = Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      value = Json.mapper().getNodeFactory().textNode(text);
    }
    if (value == null || value.isMissingNode()) {
      value = Json.mapper().getNodeFactory().textNode(text);
    }
    if (name.equals("Trackers") && value.isTextual()) {
      value = Json.mapper().createArrayNode().add(value);
    }
    SequencedMap<String, JsonNode> changed = new LinkedHashMap<>(values);
    changed.put(name, value);
    return new MachineConfig(changed);
  }

  /** Without {@code name}: back to DO's default. */
  public MachineConfig without(String name) {
    known(name);
    SequencedMap<String, JsonNode> changed = new LinkedHashMap<>(values);
    changed.remove(name);
    return new MachineConfig(changed);
  }

  /** Writes the file, whole or not at all (0644: the settings are no secret). */
  public void write(Path file) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    values.forEach(root::set);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path part = Files.createTempFile(parent, ".ferryd-", ".json");
    try {
      Files.writeString(
          part,
          Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(
          part, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      try {
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** How peers are found: DO's defaults with what the file sets. */
  public PeerDiscovery discovery() {
    PeerDiscovery discovery = PeerDiscovery.defaults();
    JsonNode mode = values.get("DODownloadMode");
    if (mode != null) {
      discovery = discovery.withMode(PeerDiscovery.mode(mode.asText()));
    }
    JsonNode group = values.get("DOGroupID");
    if (group != null) {
      discovery = discovery.withGroup(PeerDiscovery.group(group.asText()));
    }
    JsonNode restrict = values.get("DORestrictPeerSelectionBy");
    if (restrict != null) {
      discovery =
          discovery.withRestriction(
              restrict.asInt() == 0 ? PeerRestriction.NONE : PeerRestriction.SUBNET);
    }
    JsonNode local = values.get("DOLocalDiscovery");
    if (local != null) {
      discovery = discovery.withLocalDiscovery(local.asBoolean());
    }
    JsonNode trackers = values.get("Trackers");
    if (trackers != null) {
      List<URI> urls = new ArrayList<>();
      trackers.forEach(url -> urls.add(PeerDiscovery.tracker(url.asText())));
      discovery = discovery.withTrackers(urls);
    }
    return discovery;
  }

  /** What is kept for peers: DO's defaults with what the file sets. */
  public CachePolicy cachePolicy() {
    CachePolicy policy = CachePolicy.DEFAULTS;
    if (values.containsKey("DOMaxCacheSize")) {
      policy = policy.withMaxCacheSize(values.get("DOMaxCacheSize").asInt());
    }
    if (values.containsKey("DOAbsoluteMaxCacheSize")) {
      policy = policy.withAbsoluteMaxCacheSize(gigabytes("DOAbsoluteMaxCacheSize"));
    }
    if (values.containsKey("DOMaxCacheAge")) {
      policy = policy.withMaxCacheAge(Duration.ofSeconds(values.get("DOMaxCacheAge").asLong()));
    }
    if (values.containsKey("DOMinFileSizeToCache")) {
      policy =
          policy.withMinFileSizeToCache(values.get("DOMinFileSizeToCache").asLong() * 1_000_000L);
    }
    return policy;
  }

  /** DOMaxUploadBandwidth in bytes per second, 0 for no cap. */
  public long uploadBytesPerSecond() {
    return kilobytes("DOMaxUploadBandwidth");
  }

  /** DOMonthlyUploadDataCap in bytes, 0 for no cap. */
  public long monthlyUploadCap() {
    return gigabytes("DOMonthlyUploadDataCap");
  }

  /** UploadDelayTarget: LEDBAT's target for uploads, zero for no pacing by delay. */
  public Duration uploadDelayTarget() {
    JsonNode value = values.get("UploadDelayTarget");
    return value == null
        ? dev.ferry.swarm.ledbat.DelayController.DEFAULT_TARGET
        : Duration.ofMillis(value.asLong());
  }

  /** DOMinBatteryPercentageAllowedToUpload: 0 for no uploads on battery. */
  public int minBatteryPercentToUpload() {
    JsonNode value = values.get("DOMinBatteryPercentageAllowedToUpload");
    return value == null ? 0 : value.asInt();
  }

  /** DODelayBackgroundDownloadFromHttp, where set. */
  public java.util.Optional<Duration> httpDelayBackground() {
    return seconds("DODelayBackgroundDownloadFromHttp");
  }

  /** DODelayForegroundDownloadFromHttp, where set. */
  public java.util.Optional<Duration> httpDelayForeground() {
    return seconds("DODelayForegroundDownloadFromHttp");
  }

  /** DOMinBackgroundQos in bytes per second, where set. */
  public java.util.OptionalLong minBackgroundQos() {
    return values.containsKey("DOMinBackgroundQos")
        ? java.util.OptionalLong.of(kilobytes("DOMinBackgroundQos"))
        : java.util.OptionalLong.empty();
  }

  private java.util.Optional<Duration> seconds(String name) {
    return java.util.Optional.ofNullable(values.get(name))
        .map(value -> Duration.ofSeconds(value.asLong()));
  }

  /** DO's KB: 1,024 bytes, as its KB/s settings count. */
  private long kilobytes(String name) {
    JsonNode value = values.get(name);
    return value == null ? 0 : value.asLong() * 1024L;
  }

  private long gigabytes(String name) {
    JsonNode value = values.get(name);
    return value == null ? 0 : value.asLong() * 1_000_000_000L;
  }

  private static Setting known(String name) {
    for (Setting setting : SETTINGS) {
      if (setting.name().equals(name)) {
        return setting;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + name
            + "' is no setting Ferry knows; the settings are "
            + String.join(", ", SETTINGS.stream().map(Setting::name).toList()));
  }

  /** Refuses a value that is not of its setting's kind, saying what is wanted. */
  private static void check(String name, JsonNode value) {
    Setting setting = known(name);
    try {
      switch (name) {
        case "DODownloadMode" -> PeerDiscovery.mode(value.asText());
        case "DOGroupID" -> PeerDiscovery.group(requireText(value));
        case "Trackers" -> {
          if (!value.isArray()) {
            throw new IllegalArgumentException("a list of URLs");
          }
          value.forEach(url -> PeerDiscovery.tracker(requireText(url)));
        }
        case "DOLocalDiscovery" -> {
          if (!value.isBoolean()) {
            throw new IllegalArgumentException("true or false");
          }
        }
        case "DORestrictPeerSelectionBy" -> {
          if (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > 1) {
            throw new IllegalArgumentException("0 or 1");
          }
        }
        case "DOMinBatteryPercentageAllowedToUpload" -> {
          if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 100) {
            throw new IllegalArgumentException("a percentage from 0 to 100");
          }
        }
        case "DOMaxCacheSize" -> {
          if (!value.isIntegralNumber() || value.asInt() < 1 || value.asInt() > 100) {
            throw new IllegalArgumentException("a percentage from 1 to 100");
          }
        }
        case "DODelayBackgroundDownloadFromHttp", "DODelayForegroundDownloadFromHttp" -> {
          if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("seconds from 0 to 4294967295");
          }
        }
        default -> {
          if (!value.isIntegralNumber() || value.asLong() < 0) {
            throw new IllegalArgumentException("a whole number, 0 or more");
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " (" + setting.meaning() + "): " + value + " is not right: " + e.getMessage());
    }
  }

  private static String requireText(JsonNode value) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException("text");
    }
    return value.asText();
  }
}
