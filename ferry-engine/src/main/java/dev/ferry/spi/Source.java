package dev.ferry.spi;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.BitSet;
import java.util.Optional;

/**
 * Something that can deliver bytes of a remote file: the origin over HTTP, a local file, and
 * further kinds (cache servers, peers) as they arrive. Sources fill the same piece map, so the job
 * model does not change when sources are added, and nothing in the copy path knows which protocol a
 * source speaks.
 */
public interface Source {
  /** What kind of place this is, for the statistics and the order sources are asked in. */
  SourceKind kind();

  /** The protocol name reported by IBackgroundCopyError::GetProtocol ("http", "file"…). */
  String protocol();

  /**
   * Opens the bytes asked for. The response may start at 0 instead of the requested offset (a
   * server that ignores Range); the caller decides what that means. A source that is not the file's
   * origin serves the version the request names ({@link SourceRequest#known}) and answers with
   * those validators, or fails: only the origin can tell that the file changed.
   *
   * @throws RangeNotSatisfiable when the request starts past the end of the remote file
   * @throws TransferFailure for every other failure, classified (transient or fatal, HRESULT)
   */
  SourceResponse open(SourceRequest request) throws TransferFailure;

  /** Classifies a failure to read a body this source opened; {@code doing} says what failed. */
  TransferFailure classify(IOException e, String doing);

  /**
   * How many bytes of the file at {@code uri} this source can serve in one request starting at
   * {@code offset} now: 0 when it has none there, {@link Long#MAX_VALUE} (the default) when it can
   * serve everything from there to the end. A peer holding some of the pieces answers with the run
   * of them that starts at {@code offset}; the planner asks no more of it than that.
   */
  default long available(URI uri, long offset) {
    return Long.MAX_VALUE;
  }

  /**
   * How many bytes of the file at {@code uri} from {@code offset} this source holds, whether or not
   * it would send them now: peers that choke this machine hold pieces they may send later. The
   * origin is not asked for what another source holds while the others keep up; requests go where
   * {@link #available} says. By default what it has available.
   */
  default long holds(URI uri, long offset) {
    return available(uri, offset);
  }

  /**
   * The pieces of {@code pieceSize} bytes of the file at {@code uri} ({@code fileSize} bytes) this
   * source holds here already, taken in ahead of any request (peers fetch pieces their peers offer
   * while they may, and keep them until asked): asked for first, they cost nothing to fetch, and
   * what holds them is freed to take in more. None (the default) where it takes in nothing ahead.
   */
  default BitSet ready(URI uri, long fileSize, int pieceSize) {
    return new BitSet();
  }

  /**
   * The pieces of {@code pieceSize} bytes of the file at {@code uri} ({@code fileSize} bytes) that
   * this source does not offer yet but expects to: another machine it knows fetches them from the
   * origin now, and will offer them. While this source keeps up, the origin is not asked for them
   * here, so that machines fetching one file together ask the origin for each piece once. None (the
   * default) when it expects nothing.
   */
  default BitSet promised(URI uri, long fileSize, int pieceSize) {
    return new BitSet();
  }

  /**
   * How many other machines this source knows to fetch the file at {@code uri} now, each asking the
   * origin for a share of it (peers that download it too); 0 (the default) where it knows none.
   * Were this source to fall behind, they would fall back to the origin together and share its
   * rate: this machine's yardstick for the source is its share of the origin, not the whole.
   */
  default int alsoFetching(URI uri) {
    return 0;
  }

  /**
   * The bytes of the file at {@code uri} this source has taken in so far for this machine, whether
   * or not a response of its has handed them on yet; -1 (the default) where it takes in nothing
   * ahead of its responses. A source that fetches ahead (peers fetch several pieces at once, in any
   * order, and a response hands a piece on only once it is whole and checked, in the order asked)
   * gives its pace by it: what its responses handed on comes in bursts, and not at all while the
   * piece they wait on is the slowest.
   */
  default long takenIn(URI uri) {
    return -1;
  }

  /**
   * Whether this source is the origin of {@code uri}, i.e. fetches that URL itself (HTTP for http
   * and https, the local file source for file:), so the engine can pick the origin without naming
   * schemes. Sources offered by a {@link SourceProvider} need not answer.
   */
  default boolean isOriginFor(URI uri) {
    return false;
  }

  /**
   * Whether this source relays the origin: it asks the origin on the requester's behalf (a cache
   * server), so its answers carry the origin's status, size and validators and it may be asked
   * before the file's version is known, in the origin's place. A source that only holds copies of
   * bytes (a peer) cannot tell what the file is, and answers false (the default).
   */
  default boolean relaysOrigin() {
    return false;
  }

  /**
   * Bytes this source sent for piece {@code piece} of the file at {@code uri} failed the piece's
   * hash, and the planner blamed it: a source that stands for other places (a cache server's hosts)
   * may leave out the one that sent them beyond this file. Nothing by default.
   */
  default void rejected(URI uri, int piece) {}

  /**
   * The most requests for one file worth having open at once from this source: several connections
   * pay where each one is limited on its way (a server's per-connection rate), not where the bytes
   * are local.
   */
  default int connectionLimit() {
    return Integer.MAX_VALUE;
  }

  /**
   * The modification time the validators of this source's responses carry, for the finished file to
   * keep, as downloaders do; empty when there is none.
   */
  default Optional<Instant> modificationTime(Validators validators) {
    return Optional.empty();
  }
}
