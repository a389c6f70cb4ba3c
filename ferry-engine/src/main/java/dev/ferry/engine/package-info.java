/**
 * Ferry's embedded engine: {@link dev.ferry.engine.Ferry} opens it, {@link
 * dev.ferry.engine.EngineConfig} tunes it.
 */
package dev.ferry.engine;
