/**
 * ferryd's logs: one logfmt line per event ({@link dev.ferry.daemon.logging.LogfmtConverter}), with
 * the journal's priority prefix under systemd ({@link
 * dev.ferry.daemon.logging.JournalPriorityConverter}), the jobs' life from the engine's events
 * ({@link dev.ferry.daemon.logging.JobEventLog}), and the levels changed at run time ({@link
 * dev.ferry.daemon.logging.LogLevels}). The format itself is Logback's configuration, {@code
 * logback.xml} of this module, which {@link dev.ferry.daemon.logging.DaemonLogging} installs.
 */
package dev.ferry.daemon.logging;
