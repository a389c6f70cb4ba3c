package dev.ferry.engine.job;

import dev.ferry.engine.transfer.SourceCounters;
import dev.ferry.spi.ResponseInfo;
import java.nio.file.Path;

/**
 * One file of a {@link JobView}.
 *
 * @param writtenPath where the bytes are written until Complete (a temporary file, or the
 *     destination for a job that writes in place)
 * @param bytesTotal the bytes wanted, -1 while unknown
 * @param remoteSize the remote file's size, -1 while unknown
 * @param extension what an extension adds to the file ({@link FileExtension#NONE} for none)
 */
public record FileView(
    int index,
    String remoteUrl,
    Path localPath,
    Path writtenPath,
    long bytesTotal,
    long bytesTransferred,
    long remoteSize,
    boolean transferred,
    boolean completed,
    String responseHeaders,
    ResponseInfo response,
    SourceCounters counters,
    FileExtension extension) {}
