/**
 * Who is calling: the uid behind a Unix socket connection (SO_PEERCRED), or the daemon's own user
 * for a TCP caller that presents the bearer token.
 */
package dev.ferry.daemon.identity;
