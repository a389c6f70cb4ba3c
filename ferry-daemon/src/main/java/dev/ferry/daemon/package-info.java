/**
 * ferryd: hosts one engine and serves the local REST API to the users of this machine. {@link
 * dev.ferry.daemon.FerryDaemon} is the entry point; {@link dev.ferry.daemon.DaemonOptions} its
 * options.
 */
package dev.ferry.daemon;
