package dev.ferry.rest;

/**
 * One server-sent event of {@link Routes#EVENTS}; the SSE event name is {@code kind} in lower case:
 * {@code changed} (state or properties), {@code progress} (throttled), {@code file-transferred}
 * (with {@code fileIndex}).
 */
public record EventView(
    String kind,
    String jobId,
    String state,
    long bytesTotal,
    long bytesTransferred,
    Integer fileIndex) {}
