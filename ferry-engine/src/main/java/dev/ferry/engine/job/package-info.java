/**
 * The job model and its engine: jobs and files as the store keeps them, the BITS state machine, the
 * scheduler (foreground jobs concurrently, background jobs by priority with preemption and time
 * slices), and the API views ({@code BackgroundCopyManager}, {@code BackgroundCopyJob}, …) through
 * which each caller reaches only the jobs it may.
 */
package dev.ferry.engine.job;
