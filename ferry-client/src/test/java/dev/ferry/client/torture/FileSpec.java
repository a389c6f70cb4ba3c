package dev.ferry.client.torture;

import dev.ferry.api.FileRange;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * One file of a planned job: where the origin serves it, where it lands, and what its final bytes
 * must hash to. {@code ranges} is null for a whole file; otherwise the final file is those ranges
 * of the remote file back to back, in the order given (AddFileWithRanges).
 */
record FileSpec(
    String originPath,
    Content content,
    List<FileRange> ranges,
    Path local,
    long expectedSize,
    String expectedSha256) {

  static FileSpec whole(String originPath, Content content, Path local) {
    return new FileSpec(originPath, content, null, local, content.size(), content.sha256());
  }

  static FileSpec ranged(String originPath, Content content, List<FileRange> ranges, Path local) {
    MessageDigest digest = TestFiles.sha256();
    long size = 0;
    byte[] chunk = new byte[1 << 16];
    for (FileRange range : ranges) {
      long end = range.end(content.size());
      for (long pos = range.offset(); pos < end; ) {
        int n = (int) Math.min(chunk.length, end - pos);
        content.read(pos, chunk, 0, n);
        digest.update(chunk, 0, n);
        pos += n;
        size += n;
      }
    }
    return new FileSpec(
        originPath,
        content,
        List.copyOf(ranges),
        local,
        size,
        HexFormat.of().formatHex(digest.digest()));
  }

  @Override
  public String toString() {
    return originPath
        + " ("
        + content.size()
        + " bytes"
        + (ranges == null ? "" : ", ranges " + ranges)
        + ") -> "
        + local.getFileName();
  }
}
