/**
 * What the engine's threads wait on. Ferry's blocking work runs on virtual threads, so nothing here
 * waits on a monitor: see {@link dev.ferry.engine.concurrent.ChangeSignal}.
 */
package dev.ferry.engine.concurrent;
