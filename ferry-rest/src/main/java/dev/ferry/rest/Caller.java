package dev.ferry.rest;

/** Who the daemon believes the caller is (from the socket's peer credentials or the token). */
public record Caller(long uid, String name, boolean administrator) {}
