package dev.ferry.swarm.mse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;

/**
 * What MSE's handshake agreed: the stream key (the info-hash the BitTorrent handshake must name),
 * the method, and the streams the connection goes on with. The initial payload (IA, already
 * decrypted) is read first; after it, the socket's bytes, through RC4 when that was selected. The
 * streams share the keystreams and the payload: each {@link #input} continues where the last one
 * read stopped, so one stream may read the BitTorrent handshake under a deadline and another the
 * messages after it.
 */
public final class Negotiated {
  private final byte[] skey;
  private final CryptoMethod method;
  private final ByteArrayInputStream initialPayload;
  private final Rc4 decrypt;
  private final Rc4 encrypt;

  Negotiated(byte[] skey, CryptoMethod method, byte[] initialPayload, Rc4 decrypt, Rc4 encrypt) {
    this.skey = skey.clone();
    this.method = method;
    this.initialPayload = new ByteArrayInputStream(initialPayload);
    this.decrypt = decrypt;
    this.encrypt = encrypt;
  }

  public byte[] streamKey() {
    return skey.clone();
  }

  public CryptoMethod method() {
    return method;
  }

  /** The initiator's bytes from here on: what is left of IA, then {@code socketIn}'s. */
  public InputStream input(InputStream socketIn) {
    InputStream rest =
        method == CryptoMethod.RC4 ? new Rc4InputStream(socketIn, decrypt) : socketIn;
    // Plaintext with an empty IA (libtorrent's way) leaves the socket's own stream: no layer at
    // all.
    return initialPayload.available() > 0 ? new SequenceInputStream(initialPayload, rest) : rest;
  }

  /** Where to write to the initiator: {@code socketOut}, through RC4 when that was selected. */
  public OutputStream output(OutputStream socketOut) {
    return method == CryptoMethod.RC4 ? new Rc4OutputStream(socketOut, encrypt) : socketOut;
  }
}
