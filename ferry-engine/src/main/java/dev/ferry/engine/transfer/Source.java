package dev.ferry.engine.transfer;

/**
 * Something that can deliver bytes of a remote file: the HTTP origin, a local file, and later a
 * cache server or peers. Sources fill the same piece map, so the job model does not change when
 * sources are added.
 */
public interface Source {
  /**
   * Opens the bytes asked for. The response may start at 0 instead of the requested offset (a
   * server that ignores Range); the caller decides what that means.
   */
  SourceResponse open(SourceRequest request) throws TransferFailure;

  /** The protocol name reported by IBackgroundCopyError::GetProtocol. */
  String protocol();
}
