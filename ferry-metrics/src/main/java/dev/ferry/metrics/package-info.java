/** Prometheus metrics of an engine, built on its transfer events and job events. */
package dev.ferry.metrics;
