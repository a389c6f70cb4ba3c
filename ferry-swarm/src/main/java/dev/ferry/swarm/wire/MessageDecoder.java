package dev.ferry.swarm.wire;

import java.nio.ByteBuffer;

/**
 * Decodes the messages after the handshake as their bytes arrive, in pieces of any size: {@link
 * #next} takes what it can from a buffer and gives back a whole message, or null once the buffer is
 * used up without one (the bytes taken are kept for the next call). A length prefix is judged
 * before anything is allocated for it (against {@link WireLimits}, and against the message's id as
 * soon as that has come); messages of ids Ferry does not know are skipped by their length, as BEP 3
 * asks, within the same bound. After a {@link WireException} the stream is broken: every later call
 * throws it again.
 */
public final class MessageDecoder {
  private final WireLimits limits;
  private final byte[] header = new byte[5];
  private int headerFill;
  private int id;
  private byte[] body;
  private int bodyLength;
  private int bodyFill;

  /** Where piece messages are read when blocks are reused ({@link #reusingBlocks}); else null. */
  private final byte[] blocks;

  private long skip;
  private WireException failure;

  public MessageDecoder(WireLimits limits) {
    this(limits, false);
  }

  private MessageDecoder(WireLimits limits, boolean reuseBlocks) {
    this.limits = limits;
    this.blocks = reuseBlocks ? new byte[MessageCodec.PIECE_HEADER + limits.maxBlock()] : null;
  }

  /**
   * A decoder whose piece messages share one array, each block valid only until the next call to
   * {@link #next}: for a reader that copies every block out before it reads on (a connection's
   * reader thread), which then allocates nothing per block.
   */
  public static MessageDecoder reusingBlocks(WireLimits limits) {
    return new MessageDecoder(limits, true);
  }

  /** The next whole message from the bytes given so far and {@code in}'s, or null for none yet. */
  public Message next(ByteBuffer in) throws WireException {
    if (failure != null) {
      throw failure;
    }
    try {
      return decode(in);
    } catch (WireException e) {
      failure = e;
      throw e;
    }
  }

  /** Whether a message has been started and not finished: the stream may not end here. */
  public boolean inMessage() {
    return headerFill > 0 || body != null || skip > 0;
  }

  private Message decode(ByteBuffer in) throws WireException {
    while (true) {
      if (skip > 0) {
        int n = (int) Math.min(skip, in.remaining());
        in.position(in.position() + n);
        skip -= n;
        if (skip > 0) {
          return null;
        }
        continue;
      }
      if (body != null) {
        int n = Math.min(bodyLength - bodyFill, in.remaining());
        in.get(body, bodyFill, n);
        bodyFill += n;
        if (bodyFill < bodyLength) {
          return null;
        }
        byte[] payload = body;
        body = null;
        return MessageCodec.decodePayload(id, ByteBuffer.wrap(payload, 0, bodyLength), limits);
      }
      while (headerFill < 4 && in.hasRemaining()) {
        header[headerFill++] = in.get();
      }
      if (headerFill < 4) {
        return null;
      }
      long length = ByteBuffer.wrap(header, 0, 4).getInt() & 0xffff_ffffL;
      if (length == 0) {
        headerFill = 0;
        return Message.Signal.KEEP_ALIVE;
      }
      MessageCodec.checkLength(length, limits);
      if (headerFill < 5) {
        if (!in.hasRemaining()) {
          return null;
        }
        header[headerFill++] = in.get();
      }
      headerFill = 0;
      id = header[4] & 0xff;
      int payload = (int) length - 1;
      if (!MessageCodec.known(id)) {
        skip = payload;
        continue;
      }
      MessageCodec.checkPayload(id, payload, limits);
      body = blocks != null && id == 7 && payload <= blocks.length ? blocks : new byte[payload];
      bodyLength = payload;
      bodyFill = 0;
    }
  }
}
