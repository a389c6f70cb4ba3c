package dev.ferry.engine.transfer;

/**
 * A length-preserving transformation of the remote bytes on their way to disk that depends only on
 * each byte's remote offset (a stream cipher), so bytes may arrive in any order, over several
 * connections, and be resumed. Applying it twice gives the original bytes back.
 */
public interface ContentTransform {
  void apply(byte[] bytes, int offset, int length, long remoteOffset);
}
