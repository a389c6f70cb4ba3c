/**
 * The local REST API (the contract of {@code dev.ferry.rest}) served with Javalin: every route
 * calls the engine's {@code BackgroundCopyManager} for the caller, so ownership and errors are
 * exactly the engine's.
 */
package dev.ferry.daemon.api;
