/** ferryd: hosts one engine and serves the local REST API to the users of this machine. */
package dev.ferry.daemon;
