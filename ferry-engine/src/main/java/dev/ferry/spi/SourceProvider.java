package dev.ferry.spi;

import java.util.List;

/**
 * Offers sources of a file besides its origin: a cache server that holds it, peers that have its
 * pieces. Registered with the engine's configuration; the sources it offers are asked before the
 * origin, which stays the last resort (see the engine's source planner).
 */
@FunctionalInterface
public interface SourceProvider {
  /**
   * The sources worth asking for {@code file}, best first; empty when this provider has none. Asked
   * once each time the file starts transferring, on the transfer's thread: it should answer from
   * what it already knows rather than wait on the network.
   */
  List<Source> sourcesFor(FileRef file);
}
