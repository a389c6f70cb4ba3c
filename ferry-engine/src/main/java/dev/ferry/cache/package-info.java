/**
 * Cache servers as Delivery Optimization uses them (Microsoft Connected Cache, or an nginx set up
 * as one): a source of kind {@code CACHE_SERVER} beside the core, offered by {@link
 * dev.ferry.cache.CacheServers} for every http and https file. {@link dev.ferry.cache.CacheUrl}
 * makes the {@code cacheHostOrigin} form of a URL, {@link dev.ferry.cache.CacheBans} keeps the
 * engine-wide bans and each file's fallback delay, {@link dev.ferry.cache.CacheSettings} the hosts
 * and delays of the machine or a job.
 */
package dev.ferry.cache;
