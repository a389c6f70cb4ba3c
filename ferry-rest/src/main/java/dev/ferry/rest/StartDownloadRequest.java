package dev.ferry.rest;

import java.util.List;

/**
 * The optional body of a download's start: the ranges to fetch ({@code length} -1 runs to the end
 * of the file). No body, or null ranges, means the whole file on a first start and "go on" later.
 */
public record StartDownloadRequest(List<FileView.Range> ranges) {}
