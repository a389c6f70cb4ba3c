/**
 * The Java client of ferryd: the ferry-api interfaces over the daemon's local REST API, so that a
 * program written against the embedded engine works unchanged against the daemon, and its jobs go
 * on after it exits. Start with {@link dev.ferry.client.FerryClient#connect}.
 *
 * <p>Every getter reads the daemon afresh and every mutator is one request; failures carry the
 * HRESULT the engine behind the daemon reported. Callbacks stay in this process (as in BITS they
 * are not persisted): while any job has one, the manager reads the daemon's event stream,
 * reconnecting when the daemon restarts, and calls them on a virtual thread per job.
 */
package dev.ferry.client;
