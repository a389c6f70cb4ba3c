package dev.ferry.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Piece;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A reader takes each message whole, in order, however the stream cuts the bytes: as a fast peer
 * does (more than the reader's buffer holds at each read, so that it grows) and as a slow one does
 * (a few bytes at a time).
 */
class MessageReaderTest {
  private static final int BLOCK = 16 * 1024;
  private static final int BLOCKS = 64;

  @Test
  void blocksFromAStreamThatAlwaysHasMoreComeWholeAndInOrderAsTheBufferGrows() throws Exception {
    byte[] file = new byte[BLOCKS * BLOCK];
    new Random(7).nextBytes(file);
    check(new ByteArrayInputStream(stream(file)), file);
  }

  @Test
  void blocksFromAStreamThatTricklesComeWholeAndInOrder() throws Exception {
    byte[] file = new byte[BLOCKS * BLOCK];
    new Random(8).nextBytes(file);
    InputStream trickle =
        new ByteArrayInputStream(stream(file)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1000));
          }
        };
    check(trickle, file);
  }

  private static byte[] stream(byte[] file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = 0; b < BLOCKS; b++) {
      out.write(
          MessageCodec.encode(new Piece(0, b * BLOCK, ByteBuffer.wrap(file, b * BLOCK, BLOCK))));
      out.write(MessageCodec.encode(new Have(b)));
    }
    return out.toByteArray();
  }

  private static void check(InputStream in, byte[] file) throws Exception {
    MessageReader reader = MessageReader.reusingBlocks(in, WireLimits.forPieces(1));
    byte[] got = new byte[file.length];
    for (int b = 0; b < BLOCKS; b++) {
      Message block = reader.read();
      assertThat(block).isInstanceOf(Piece.class);
      Piece piece = (Piece) block;
      assertThat(piece.begin()).isEqualTo(b * BLOCK);
      piece.copyTo(got, piece.begin());
      assertThat(reader.read()).isEqualTo(new Have(b));
    }
    assertThat(got).isEqualTo(file);
    assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
  }
}
