package dev.ferry.rest;

/** A readable description of an HRESULT. */
public record Description(int hresult, String name, String description) {}
