package dev.ferry.swarm.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads a peer's handshake and then its messages from a blocking stream (a socket's), through a
 * {@link MessageDecoder}; each read blocks until a whole one has come. Not thread-safe.
 */
public final class MessageReader {
  private final InputStream in;
  private final MessageDecoder decoder;

  /** What a reader starts with: most peers send far less than this between two reads. */
  private static final int FIRST_BUFFER = 64 * 1024;

  /**
   * What a reader grows to while each read fills its buffer: a fast peer's bytes in a quarter of
   * the reads (and system calls) they took at 64 KiB.
   */
  private static final int LARGEST_BUFFER = 256 * 1024;

  private ByteBuffer buffer = ByteBuffer.allocate(FIRST_BUFFER).flip();

  public MessageReader(InputStream in, WireLimits limits) {
    this(in, new MessageDecoder(limits));
  }

  private MessageReader(InputStream in, MessageDecoder decoder) {
    this.in = in;
    this.decoder = decoder;
  }

  /**
   * A reader whose piece messages share one array ({@link MessageDecoder#reusingBlocks}): each
   * block is valid until the next {@link #read}.
   */
  public static MessageReader reusingBlocks(InputStream in, WireLimits limits) {
    return new MessageReader(in, MessageDecoder.reusingBlocks(limits));
  }

  /** The peer's handshake, which comes first. */
  public Handshake readHandshake() throws IOException {
    while (true) {
      Handshake handshake = Handshake.decode(buffer);
      if (handshake != null) {
        return handshake;
      }
      fill();
    }
  }

  /** The next message; an {@link EOFException} when the stream ends first. */
  public Message read() throws IOException {
    while (true) {
      Message message = decoder.next(buffer);
      if (message != null) {
        return message;
      }
      fill();
    }
  }

  private void fill() throws IOException {
    buffer.compact();
    int room = buffer.remaining();
    int n = in.read(buffer.array(), buffer.position(), room);
    if (n < 0) {
      buffer.flip();
      throw new EOFException("the peer closed the connection");
    }
    buffer.position(buffer.position() + n).flip();
    if (n == room && buffer.capacity() < LARGEST_BUFFER) {
      // The peer had more than there was room for: read more at a time from now on.
      buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer).flip();
    }
  }
}
