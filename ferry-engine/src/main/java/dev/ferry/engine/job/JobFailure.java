package dev.ferry.engine.job;

import dev.ferry.api.ErrorContext;

/**
 * A job's error as recorded: what IBackgroundCopyError reports.
 *
 * @param fileIndex the file the error happened to, or -1 when none
 * @param protocol "http", "file"… or null when the error is not a protocol's
 */
public record JobFailure(
    ErrorContext context, int code, int fileIndex, String protocol, String message) {}
