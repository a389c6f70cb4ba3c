/**
 * Which transfers run: {@link dev.ferry.engine.schedule.Scheduler} is a pure decision over
 * snapshots of the jobs, the bandwidth policy and the time, so its rules are tested without threads
 * or waiting; the engine applies its decisions under its lock.
 */
package dev.ferry.engine.schedule;
