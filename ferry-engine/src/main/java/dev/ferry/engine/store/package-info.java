/**
 * The persistent queue: jobs and files as rows in SQLite (WAL, synchronous writes), with a
 * versioned schema. The store knows rows, not job semantics.
 */
package dev.ferry.engine.store;
