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

  /**
   * The sources worth asking for {@code file}, where this engine holds {@code local} of it while it
   * transfers, which a provider that also serves others (peers) may offer them until the transfer
   * ends. By default, {@link #sourcesFor(FileRef)}.
   */
  default List<Source> sourcesFor(FileRef file, LocalCopy local) {
    return sourcesFor(file);
  }

  /**
   * The transfer of {@code file} ended (transferred, stopped or failed): the sources offered for it
   * and its {@link LocalCopy} are done with. Nothing by default.
   */
  default void transferEnded(FileRef file) {}

  /**
   * Every byte of {@code file} is in place at {@code local} and passed its check, before {@link
   * #transferEnded}: a provider that keeps content for others (DO's cache for peers) may copy it
   * now, on the transfer's thread, for the user of uid {@code owner}; the engine does not move the
   * file meanwhile. Not called for a file of ranges, or one whose bytes are transformed as they are
   * written. Nothing by default.
   */
  default void fileTransferred(FileRef file, java.nio.file.Path local, long owner) {}

  /**
   * The check every piece of {@code file} must pass, where this provider knows the file's content
   * (peers share it by a content description whose hashes it holds); empty by default. Asked when
   * the file starts transferring, before {@link #sourcesFor}, when nothing else checks its pieces.
   *
   * @throws TransferFailure when the file names a content this provider cannot use (fatal)
   */
  default java.util.Optional<PieceCheck> pieceCheck(FileRef file) throws TransferFailure {
    return java.util.Optional.empty();
  }
}
