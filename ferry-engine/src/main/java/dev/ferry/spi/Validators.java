package dev.ferry.spi;

/**
 * What identifies one version of a remote file: its size and its ETag or Last-Modified. When any of
 * them changes between two responses, the file restarts from its first byte.
 */
public record Validators(long size, String etag, String lastModified) {
  public static final Validators NONE = new Validators(-1, null, null);

  /** Whether both describe the same content, as far as the validators both have can tell. */
  public boolean sameContentAs(Validators other) {
    if (size >= 0 && other.size >= 0 && size != other.size) {
      return false;
    }
    if (etag != null && other.etag != null) {
      return etag.equals(other.etag);
    }
    if (lastModified != null && other.lastModified != null) {
      return lastModified.equals(other.lastModified);
    }
    return true;
  }

  /** The validator to send in If-Range: a strong ETag, else Last-Modified, else null. */
  public String ifRange() {
    if (etag != null && !etag.startsWith("W/")) {
      return etag;
    }
    return lastModified;
  }
}
