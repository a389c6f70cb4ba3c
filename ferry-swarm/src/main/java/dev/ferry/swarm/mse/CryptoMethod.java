package dev.ferry.swarm.mse;

/** What follows MSE's handshake, as its crypto_provide and crypto_select bits name it. */
public enum CryptoMethod {
  /** The handshake only was obfuscated; the BitTorrent messages go as they are. */
  PLAINTEXT(0x01),
  /** Every byte after the handshake goes through RC4, each direction with its own key. */
  RC4(0x02);

  private final int bit;

  CryptoMethod(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  /**
   * Ferry's choice among what the initiator offers: plaintext whenever offered (libtorrent's
   * default offers both), since RC4 on the bulk data costs CPU and hides nothing from anyone who
   * knows the info-hash; RC4 when that is all it offers; null when it offers neither.
   */
  static CryptoMethod select(int provided) {
    if ((provided & PLAINTEXT.bit) != 0) {
      return PLAINTEXT;
    }
    if ((provided & RC4.bit) != 0) {
      return RC4;
    }
    return null;
  }
}
