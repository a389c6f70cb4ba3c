/**
 * How the client reaches ferryd: JSON requests over HTTP/1.1 on the daemon's Unix domain socket,
 * failures turned back into {@link dev.ferry.api.FerryException}s, and the server-sent event
 * stream.
 */
package dev.ferry.client.transport;
