package dev.ferry.spi;

import java.nio.ByteBuffer;

/**
 * Verifies whole pieces against known hashes (DO's IntegrityCheckInfo, or a content description a
 * source provider knows: {@link SourceProvider#pieceCheck}). A piece is recorded done only after it
 * passed, so a crash never makes an unverified piece look verified.
 */
public interface PieceCheck {
  /** The piece size the hashes were made with; the file's piece map must use it. */
  int pieceSize();

  /** The size of the file the hashes describe. */
  long fileSize();

  /** Whether {@code content} (the remote bytes of the piece, position to limit) matches. */
  boolean matches(int piece, ByteBuffer content);
}
