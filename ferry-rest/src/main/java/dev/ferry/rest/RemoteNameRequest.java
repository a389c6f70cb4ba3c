package dev.ferry.rest;

/** PUT {@link Routes#FILE_REMOTE_NAME}. */
public record RemoteNameRequest(String remoteName) {}
