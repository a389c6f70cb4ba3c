package dev.ferry.rest;

/** POST {@link Routes#JOBS}: the type defaults to DOWNLOAD. */
public record CreateJobRequest(String displayName, String type) {}
