package dev.ferry.engine.transfer;

/**
 * The progress of a set of files (a job's) summed as the files change, so that reading it does not
 * visit every file: a job's progress is read on every event and every poll, so summing every file
 * each time costs in proportion to the files times the reads, which for a job of thousands of files
 * through ferryd was a large share of its CPU (bench/README.md, "Figures behind choices in the
 * code"). Each {@link FileState} counted in reports its own changes ({@link FileState#countIn}).
 */
public final class ProgressTotals {
  private long knownBytes;
  private int unknownFiles;
  private long transferred;
  private int done;

  /** The wanted bytes of every file, or -1 while any file's size is unknown. */
  public synchronized long bytesTotal() {
    return unknownFiles > 0 ? -1 : knownBytes;
  }

  public synchronized long bytesTransferred() {
    return transferred;
  }

  /** The files transferred or completed. */
  public synchronized int filesDone() {
    return done;
  }

  /** Adds ({@code sign} 1) or removes (-1) one file's part. */
  synchronized void count(int sign, long total, long bytes, boolean fileDone) {
    if (total < 0) {
      unknownFiles += sign;
    } else {
      knownBytes += sign * total;
    }
    transferred += sign * bytes;
    if (fileDone) {
      done += sign;
    }
  }

  /** Replaces one file's part, as it was counted, by what it is now. */
  synchronized void change(
      long oldTotal, long oldBytes, boolean wasDone, long total, long bytes, boolean isDone) {
    count(-1, oldTotal, oldBytes, wasDone);
    count(1, total, bytes, isDone);
  }
}
