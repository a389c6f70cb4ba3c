/**
 * An in-process HTTP/1.1 origin that the engine's tests download from over real loopback sockets.
 *
 * <p>{@link dev.ferry.testkit.TestOrigin} serves {@link dev.ferry.testkit.Content} at paths with
 * the validators and byte-range semantics that resume logic relies on (strong ETag, Last-Modified,
 * single byte ranges, If-Range), and can be told to misbehave with a {@link
 * dev.ferry.testkit.Fault} per path, either until cleared or once. Every request is recorded as a
 * {@link dev.ferry.testkit.RecordedRequest} so tests can assert what the engine asked for.
 *
 * <p>Content is generated or copied on the fly in small chunks, so multi-GiB bodies cost no heap.
 *
 * <p>The rest is shared by the modules' tests: {@link dev.ferry.testkit.Ferryd}, a real ferryd in a
 * child JVM ({@link dev.ferry.testkit.ChildJvm}); {@link dev.ferry.testkit.Jobs}, waits on a job's
 * state; {@link dev.ferry.testkit.TestFiles}, a file's SHA-256 and short temporary directories for
 * Unix sockets; {@link dev.ferry.testkit.CacheNode}, a real nginx run as a Delivery Optimization
 * cache node by {@code scripts/cache-node}.
 */
package dev.ferry.testkit;
