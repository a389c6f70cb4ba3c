package dev.ferry.swarm.bencode;

/** Input that is not bencode, or not the canonical bencode asked for; says where and why. */
public final class BencodeException extends IllegalArgumentException {
  private final long offset;

  BencodeException(long offset, String reason) {
    super("bencode at byte " + offset + ": " + reason);
    this.offset = offset;
  }

  /** Where in the input the decoder stopped. */
  public long offset() {
    return offset;
  }
}
