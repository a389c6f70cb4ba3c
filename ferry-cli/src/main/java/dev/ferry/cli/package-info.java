/**
 * The {@code ferry} command line (picocli): bitsadmin's verbs as subcommands, one-shot downloads
 * ({@code get}, {@code transfer}) and {@code ferry daemon}. Every verb goes through a {@link
 * dev.ferry.cli.Session}: ferryd through the client when a daemon answers, the embedded engine
 * otherwise.
 */
package dev.ferry.cli;
