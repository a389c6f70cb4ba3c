package dev.ferry.delivery;

/** Where a DO download's bytes are written until it is finalized. */
public enum DownloadPlacement {
  /**
   * Ferry's DO API: a hidden temporary file beside LocalPath ({@code .ferry-<id>-0.part}), renamed
   * into place by Finalize, so a half-written file never appears under its name; a missing
   * directory of LocalPath is created (as the caller).
   */
  STAGED,

  /**
   * Microsoft's Linux DO agent: the first Start creates LocalPath itself with O_CREAT|O_EXCL and
   * the bytes are written there. Anything already at that name (a file, a link, a directory) fails
   * the Start with EEXIST and is left alone, a missing directory or a relative path with ENOENT; a
   * later Start fails with ENOENT when the file is gone. Finalize renames nothing; Abort deletes
   * the file the download created.
   */
  CREATED_IN_PLACE
}
