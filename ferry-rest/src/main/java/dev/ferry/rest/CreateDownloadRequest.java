package dev.ferry.rest;

import java.util.Map;

/**
 * Creates a download, optionally setting properties at once: names as {@link
 * DownloadPropertyValue#name()} accepts them, values as its {@code value}. Without properties (or
 * with an empty body) the download starts out as IDOManager::CreateDownload leaves it.
 */
public record CreateDownloadRequest(Map<String, Object> properties) {}
