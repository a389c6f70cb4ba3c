/** Benchmarks: JMH for the hot paths, and the Ferry side of the end-to-end download harness. */
package dev.ferry.bench;
