package dev.ferry.api;

/** BG_FILE_INFO: a remote URL and the absolute local path it is downloaded to. */
public record FileInfo(String remoteName, String localName) {
  public FileInfo {
    if (remoteName == null || localName == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a file needs both a remote and a local name");
    }
  }
}
