/**
 * Bencode (BEP 3, BEP 52's "bencoding"), small and strict: a decoder that input from a stranger
 * cannot make run out of memory or stack (bounded depth and item count, lengths checked against the
 * bytes that are there before anything is allocated), and an encoder that writes the one canonical
 * form, so that what Ferry writes hashes the same everywhere.
 */
package dev.ferry.swarm.bencode;
