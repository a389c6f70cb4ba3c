package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.engine.EngineConfig;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.UploadAccount;
import dev.ferry.swarm.source.ContentDescriptions;
import dev.ferry.swarm.source.Magnet;
import dev.ferry.swarm.source.PeerDiscovery;
import dev.ferry.swarm.source.PeerSharing;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.upload.UploadConditions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code ferry get}'s options for peers (a mixin): the content description ({@code --torrent},
 * {@code --integrity}), the known peers, how peers are found (mode, group, trackers), the port the
 * embedded engine listens on; checking them, the job properties they set, and the swarm the
 * embedded engine takes part in. Everything about one download is a job property, so that it holds
 * alike in the embedded engine and through ferryd, whose machine settings it overrides.
 */
final class PeerOptions {
  @Option(
      names = "--torrent",
      paramLabel = "FILE",
      description =
          "the file's content description: a single-file BitTorrent v2 torrent (any client's, or"
              + " one 'ferry do hash --torrent' wrote). Peers holding the content are asked beside"
              + " the URL, and every piece from any source is checked against it; without a URL"
              + " the bytes come from peers only. Sets the job's CONTENT_DESCRIPTION")
  Path torrent;

  @Option(
      names = "--integrity",
      paramLabel = "JSON|@FILE",
      description =
          "the file's IntegrityCheckInfo (what 'ferry do hash' prints), inline or @FILE: its"
              + " version 2 piece-hash file (fetched, checked against its digests) names the"
              + " content, as --torrent does with the canonical torrent of it")
  String integrity;

  @Option(
      names = "--peer",
      paramLabel = "HOST:PORT",
      description =
          "a peer known to hold the content (repeatable), as libtorrent's connect_peer; sets"
              + " PEERS")
  List<String> peers = new ArrayList<>();

  @Option(
      names = "--peer-port",
      paramLabel = "PORT",
      description =
          "where the embedded engine listens for peers while the download runs (default: DO's"
              + " 7680, else any free port; ferryd has its own, 'ferry daemon --peer-port')")
  Integer peerPort;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "how peers are found (DO's DownloadMode): http (none), lan (default: the local network,"
              + " BEP 14, and --tracker; peers of this machine's subnets), group (the trackers and"
              + " the local network among machines of --group), internet (any peer the trackers"
              + " or the local network give) or simple (none). Sets DOWNLOAD_MODE")
  String mode;

  @Option(
      names = "--group",
      paramLabel = "GUID",
      description =
          "the download's Group ID for group mode (DO's DOGroupID set per download; implies"
              + " --mode group), in place of the machine's ('ferry daemon --group-id'): a scope,"
              + " not a credential. Sets GROUP_ID")
  String group;

  @Option(
      names = "--tracker",
      paramLabel = "URL",
      description =
          "a BitTorrent tracker to announce to and find peers at (http, https or udp;"
              + " repeatable), in place of the machine's ('ferry daemon --tracker'). Sets"
              + " TRACKERS")
  List<String> trackers = new ArrayList<>();

  /** --group, checked; null for none (the machine's). */
  private java.util.UUID groupId;

  /** --tracker, checked; empty for none (the machine's). */
  private final List<URI> announce = new ArrayList<>();

  /** --mode, or group for --group alone; null for neither. */
  private DownloadMode downloadMode;

  /** The content description --torrent or --integrity gave, read and checked. */
  private SingleFileTorrent content;

  /**
   * Checks the options against {@code urls}; with a content description and no URL, adds its magnet
   * link (the file then comes from peers alone).
   */
  void check(List<String> urls, Function<String, RuntimeException> usage) {
    if (torrent != null && integrity != null) {
      throw usage.apply("--torrent and --integrity both name the content; give one");
    }
    if (integrity != null) {
      content = readIntegrity(integrity, urls.size() == 1 ? urls.get(0) : null, usage);
    }
    if (torrent != null) {
      content = readTorrent(torrent, usage);
    }
    if (content != null) {
      if (urls.size() > 1) {
        throw usage.apply("--torrent describes one file: give at most one URL");
      }
      if (urls.isEmpty()) {
        urls.add(Magnet.of(content.infoHash(), content.fileName()).toString());
      }
    } else if (!peers.isEmpty() && urls.stream().noneMatch(PeerOptions::isMagnet)) {
      throw usage.apply(
          "--peer needs --torrent, --integrity or a magnet link: peers are asked for content a"
              + " description names");
    }
    for (String url : urls) {
      if (isMagnet(url) && Magnet.infoHash(URI.create(url)).isEmpty()) {
        throw usage.apply(url + ": Ferry takes BitTorrent v2 magnet links (xt=urn:btmh:1220…)");
      }
      if (isMagnet(url) && content == null && peers.isEmpty()) {
        throw usage.apply(url + ": give --peer HOST:PORT to ask its torrent of, or --torrent");
      }
    }
    for (String peer : peers) {
      try {
        dev.ferry.api.ArgumentRules.peers(peer);
      } catch (FerryException e) {
        throw usage.apply("--peer " + e.getMessage());
      }
    }
    if (peerPort != null && (peerPort < 0 || peerPort > 65535)) {
      throw usage.apply("--peer-port " + peerPort + ": a port from 0 (any) to 65535");
    }
    checkDiscovery(usage);
  }

  private void checkDiscovery(Function<String, RuntimeException> usage) {
    announce.clear();
    try {
      if (mode != null) {
        downloadMode = PeerDiscovery.mode(mode);
      }
      if (group != null) {
        groupId = PeerDiscovery.group(group);
        if (downloadMode == null) {
          downloadMode = DownloadMode.GROUP;
        }
      }
      for (String tracker : trackers) {
        announce.add(PeerDiscovery.tracker(tracker));
      }
    } catch (IllegalArgumentException e) {
      throw usage.apply(e.getMessage());
    }
    if (downloadMode == DownloadMode.GROUP && group == null) {
      throw usage.apply("--mode group needs --group GUID: the group's peers are found by it");
    }
    if (content == null && (mode != null || group != null || !trackers.isEmpty())) {
      throw usage.apply(
          "--mode, --group and --tracker find peers for content a description names: give"
              + " --torrent or --integrity");
    }
  }

  /** The content --integrity names, or a usage error saying why it cannot be had. */
  private static SingleFileTorrent readIntegrity(
      String value, String url, Function<String, RuntimeException> usage) {
    String json = value;
    if (value.startsWith("@")) {
      try {
        json = Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8);
      } catch (IOException | InvalidPathException e) {
        throw usage.apply("--integrity " + value + ": " + e.getMessage());
      }
    }
    try {
      return IntegrityContent.of(json, url);
    } catch (IOException | RuntimeException e) {
      throw usage.apply("--integrity: " + e.getMessage());
    }
  }

  /** The torrent of --torrent, or a usage error saying why it is not one Ferry can use. */
  private static SingleFileTorrent readTorrent(
      Path file, Function<String, RuntimeException> usage) {
    try {
      return TorrentReader.read(file);
    } catch (NoSuchFileException e) {
      throw usage.apply("--torrent " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw usage.apply("--torrent " + file + ": permission denied");
    } catch (IOException | IllegalArgumentException e) {
      throw usage.apply("--torrent " + file + ": " + e.getMessage());
    }
  }

  /**
   * A download that asks peers has the embedded engine take part in swarms: it serves what it holds
   * on --peer-port (DO's 7680 by default, any free port when that is taken).
   */
  EngineConfig wire(EngineConfig config, List<String> urls) {
    if (!usesPeers(urls)) {
      return config;
    }
    // As ferryd: no peer served on a metered connection or on battery (the machine's settings
    // file, which could allow it, is ferryd's). The machine's discovery is DO's defaults: the
    // download's mode, group and trackers are its job's properties (setUp), as through ferryd.
    PeerDiscovery discovery = PeerDiscovery.defaults();
    SwarmSettings settings =
        SwarmSettings.defaults().withUploads(UploadConditions.ofHost(UploadAccount.NONE, 0));
    try {
      PeerSharing sharing;
      try {
        sharing =
            PeerSharing.start(
                peerPort != null ? settings.withPort(peerPort) : settings,
                config.readTimeout(),
                discovery);
      } catch (java.net.BindException taken) {
        if (peerPort != null) {
          throw taken;
        }
        sharing = PeerSharing.start(settings.withPort(0), config.readTimeout(), discovery);
      }
      return sharing.into(config);
    } catch (IOException e) {
      throw new FerryException(HResult.E_INVALIDARG, "cannot listen for peers: " + e.getMessage());
    }
  }

  /** Whether a download of {@code urls} asks peers, so the embedded engine takes part in swarms. */
  boolean usesPeers(List<String> urls) {
    return content != null || peerPort != null || urls.stream().anyMatch(PeerOptions::isMagnet);
  }

  static boolean isMagnet(String url) {
    return url.regionMatches(true, 0, "magnet:", 0, 7);
  }

  /** The job properties these options set. */
  void setUp(BackgroundCopyJob job) {
    if (content != null) {
      job.setProperty(
          JobPropertyId.CONTENT_DESCRIPTION,
          new JobPropertyValue.Text(ContentDescriptions.encode(content)));
    }
    if (!peers.isEmpty()) {
      job.setProperty(JobPropertyId.PEERS, new JobPropertyValue.Text(String.join(",", peers)));
    }
    if (downloadMode != null) {
      job.setProperty(
          JobPropertyId.DOWNLOAD_MODE, new JobPropertyValue.Dword(downloadMode.value()));
    }
    if (groupId != null) {
      job.setProperty(JobPropertyId.GROUP_ID, new JobPropertyValue.Text(groupId.toString()));
    }
    if (!announce.isEmpty()) {
      job.setProperty(
          JobPropertyId.TRACKERS,
          new JobPropertyValue.Text(
              String.join(",", announce.stream().map(URI::toString).toList())));
    }
  }

  /** The file name for {@code url}: the content's or the magnet link's, else {@code fromUrl}. */
  String fileName(String url, String fromUrl) {
    if (content != null && (fromUrl.isEmpty() || isMagnet(url))) {
      return content.fileName();
    }
    return isMagnet(url) ? magnetName(url) : fromUrl;
  }

  /** A magnet link's display name (dn) when it is a plain file name, else its info-hash. */
  private static String magnetName(String url) {
    String query = url.substring(url.indexOf('?') + 1);
    for (String pair : query.split("&")) {
      if (pair.startsWith("dn=")) {
        String name = java.net.URLDecoder.decode(pair.substring(3), StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()
            && !name.contains("/")
            && !name.equals(".")
            && !name.equals("..")
            && name.chars().noneMatch(Character::isISOControl)) {
          return name;
        }
      }
    }
    return Magnet.infoHash(URI.create(url)).map(h -> h.hex()).orElse("download");
  }
}
