package dev.ferry.api;

import java.util.List;

/** IBackgroundCopyFile with File2 (ranges, SetRemoteName) and File5 (properties). */
public interface BackgroundCopyFile {
  String remoteName();

  String localName();

  FileProgress progress();

  /** File2::GetFileRanges, in the order given; empty where BITS returns S_FALSE. */
  List<FileRange> fileRanges();

  /**
   * File2::SetRemoteName. Takes effect at the next transfer; if the new URL's content differs (size
   * or validators) the file restarts from its first byte.
   *
   * @throws FerryException E_INVALIDARG (bad URL), BG_E_INVALID_STATE (final job)
   */
  void setRemoteName(String remoteUrl);

  /** The path the file is written to until Complete renames it into place. */
  String temporaryName();

  /** File5::GetProperty: the response headers are an empty string before the first response. */
  String getProperty(FilePropertyId id);

  /** File5::SetProperty: every file property is read-only (BG_E_READ_ONLY_PROPERTY). */
  void setProperty(FilePropertyId id, String value);

  /**
   * COM's QueryInterface: another interface on the same file, such as Delivery Optimization's
   * ({@code dev.ferry.api.delivery}); empty when the file offers none of that type.
   */
  default <T> java.util.Optional<T> queryInterface(Class<T> type) {
    return type.isInstance(this)
        ? java.util.Optional.of(type.cast(this))
        : java.util.Optional.empty();
  }
}
