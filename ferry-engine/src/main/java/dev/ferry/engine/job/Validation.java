package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.FileRange;
import dev.ferry.api.HResult;
import dev.ferry.engine.EngineConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The argument checks of AddFile, AddFileWithRanges and SetRemoteName, with their documented codes;
 * extensions check their own jobs' names and URLs with the same rules.
 */
public final class Validation {
  static final int MAX_DISPLAY_NAME = 256;
  static final int MAX_DESCRIPTION = 1024;

  private Validation() {}

  /** A remote name Ferry can transfer: http, https or file, absolute, at most the URL limit. */
  public static URI remoteUrl(String url, EngineConfig config) {
    return remoteUrl(url, config, uri -> false);
  }

  /**
   * A remote name Ferry can transfer: http, https or file, or one of a scheme an origin besides
   * those claims ({@code claimed}: peers take magnet links), absolute, at most the URL limit.
   */
  public static URI remoteUrl(
      String url, EngineConfig config, java.util.function.Predicate<URI> claimed) {
    if (url == null || url.isBlank()) {
      throw new FerryException(HResult.E_INVALIDARG, "the remote name is empty");
    }
    if (url.length() > config.maxUrlLength()) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          "the remote name is "
              + url.length()
              + " characters; at most "
              + config.maxUrlLength()
              + " are allowed");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the remote name is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
          throw new FerryException(HResult.E_INVALIDARG, "the URL '" + url + "' has no host");
        }
        if (uri.getRawUserInfo() != null) {
          throw new FerryException(
              HResult.E_INVALIDARG,
              "credentials in URLs are not accepted; they would be stored in clear");
        }
        if (url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
          throw new FerryException(
              HResult.E_INVALIDARG, "the URL contains spaces or control characters");
        }
      }
      case "file" -> {
        if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
          throw new FerryException(
              HResult.E_INVALIDARG, "a file URL needs an absolute path: " + url);
        }
        if (uri.getAuthority() != null
            && !uri.getAuthority().isEmpty()
            && !uri.getAuthority().equals("localhost")) {
          throw new FerryException(
              HResult.E_INVALIDARG, "file URLs on other hosts are not supported: " + url);
        }
      }
      default -> {
        if (!claimed.test(uri)) {
          throw new FerryException(
              HResult.E_INVALIDARG,
              "unsupported protocol '" + scheme + "': Ferry transfers http, https and file URLs");
        }
      }
    }
    return uri;
  }

  /**
   * An absolute local path in an existing directory the caller may write. The final component must
   * not be a directory or a symbolic link: Ferry never writes through a link.
   */
  static Path localPath(String name, EngineConfig config) {
    if (name == null || name.isBlank()) {
      throw new FerryException(HResult.E_INVALIDARG, "the local name is empty");
    }
    if (name.length() > config.maxLocalPathLength()) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          "the local name is longer than " + config.maxLocalPathLength() + " characters");
    }
    Path path;
    try {
      path = Path.of(name);
    } catch (InvalidPathException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the local name is not a valid path: " + e.getMessage());
    }
    if (!path.isAbsolute()) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the local name must be an absolute path: " + name);
    }
    for (Path part : path) {
      if (part.toString().equals("..") || part.toString().equals(".")) {
        throw new FerryException(
            HResult.E_INVALIDARG, "the local name must not contain '.' or '..': " + name);
      }
    }
    Path parent = path.getParent();
    if (parent == null || path.getFileName() == null) {
      throw new FerryException(HResult.E_INVALIDARG, "the local name names no file: " + name);
    }
    if (!Files.isDirectory(parent)) {
      throw new FerryException(HResult.E_INVALIDARG, "the directory " + parent + " does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "the directory " + parent + " is not writable");
    }
    BasicFileAttributes existing = attributesOf(path);
    if (existing != null && existing.isSymbolicLink()) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, name + " is a symbolic link; Ferry does not write through links");
    }
    if (existing != null && existing.isDirectory()) {
      throw new FerryException(HResult.E_INVALIDARG, name + " is a directory");
    }
    return path;
  }

  /**
   * What is at {@code path} itself (a link is not followed), or null when nothing is: one lookup,
   * where asking "a link?" and then "a directory?" cost the JDK an exception each for the usual
   * missing file.
   */
  private static BasicFileAttributes attributesOf(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "cannot look at " + path + ": " + e.getMessage());
    }
  }

  /**
   * Ranges as AddFileWithRanges accepts them: at least one, none overlapping once sorted by offset,
   * at most the configured count (administrators are exempt).
   */
  static List<FileRange> ranges(List<FileRange> ranges, int maxRanges, boolean exempt) {
    if (ranges == null || ranges.isEmpty()) {
      throw new FerryException(HResult.E_INVALIDARG, "at least one range is required");
    }
    if (!exempt && ranges.size() > maxRanges) {
      throw new FerryException(
          HResult.BG_E_TOO_MANY_RANGES_IN_FILE,
          ranges.size() + " ranges given; at most " + maxRanges + " are allowed");
    }
    List<FileRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(FileRange::offset));
    for (int i = 1; i < sorted.size(); i++) {
      FileRange previous = sorted.get(i - 1);
      FileRange next = sorted.get(i);
      if (previous.toEndOfFile()
          || previous.offset() + previous.length() > next.offset()
          || previous.offset() == next.offset()) {
        throw new FerryException(
            HResult.BG_E_OVERLAPPING_RANGES, "ranges " + previous + " and " + next + " overlap");
      }
      if (previous.offset() + previous.length() < previous.offset()) {
        throw new FerryException(HResult.BG_E_INVALID_RANGE, "range " + previous + " overflows");
      }
    }
    FileRange last = sorted.get(sorted.size() - 1);
    if (!last.toEndOfFile() && last.offset() + last.length() < last.offset()) {
      throw new FerryException(HResult.BG_E_INVALID_RANGE, "range " + last + " overflows");
    }
    return List.copyOf(ranges);
  }

  /** A display name: required, at most {@value #MAX_DISPLAY_NAME} characters ({@code tooLong}). */
  public static String displayName(String name, HResult tooLong) {
    if (name == null) {
      throw new FerryException(HResult.E_INVALIDARG, "the display name is required");
    }
    if (name.length() > MAX_DISPLAY_NAME) {
      throw new FerryException(
          tooLong, "the display name is longer than " + MAX_DISPLAY_NAME + " characters");
    }
    return name;
  }

  static String description(String description) {
    if (description == null) {
      throw new FerryException(
          HResult.E_INVALIDARG, "the description is required (use an empty string)");
    }
    if (description.length() > MAX_DESCRIPTION) {
      throw new FerryException(
          HResult.BG_E_STRING_TOO_LONG,
          "the description is longer than " + MAX_DESCRIPTION + " characters");
    }
    return description;
  }
}
