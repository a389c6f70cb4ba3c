/**
 * Transfers: sources that deliver bytes of a remote file (HTTP and HTTPS through Apache HttpClient,
 * local files) and the loop that fills a file's piece map from them, resuming, detecting remote
 * changes, checkpointing and classifying every failure into the documented HRESULT, context and
 * transient-or-fatal class.
 */
package dev.ferry.engine.transfer;
