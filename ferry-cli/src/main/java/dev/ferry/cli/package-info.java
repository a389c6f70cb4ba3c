/** The {@code ferry} command line (picocli): one-shot downloads now, bitsadmin-like verbs next. */
package dev.ferry.cli;
