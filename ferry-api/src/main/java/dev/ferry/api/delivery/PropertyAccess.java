package dev.ferry.api.delivery;

/** Whether a property may be read, written, or both. */
public enum PropertyAccess {
  READ_ONLY,
  WRITE_ONLY,
  READ_WRITE;

  public boolean readable() {
    return this != WRITE_ONLY;
  }

  public boolean writable() {
    return this != READ_ONLY;
  }
}
