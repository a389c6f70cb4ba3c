package dev.ferry.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.engine.transfer.ContentTransform;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * DO's DecryptionInfo JSON, as Ferry reads it: {@code AlgorithmName} {@code AES}, {@code
 * ChainingMode} {@code CTR}, and {@code KeyData} the base64 of the key (16, 24 or 32 bytes)
 * followed by the 16-byte initial counter block. CTR is the mode that fits a downloader: each byte
 * decrypts from its offset alone, so pieces may arrive in any order over several connections and
 * resume after a crash, and the size does not change. {@code EncryptionBufferSize}, when given,
 * must be a positive multiple of the 16-byte block (CTR needs no buffering, so it changes nothing).
 * The piece hashes are of the encrypted bytes, as the server sends them.
 */
public final class DecryptionInfo implements ContentTransform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BLOCK = 16;

  private final SecretKeySpec key;
  private final BigInteger initialCounter;

  private DecryptionInfo(byte[] key, byte[] counter) {
    this.key = new SecretKeySpec(key, "AES");
    this.initialCounter = new BigInteger(1, counter);
  }

  /** Parses the property value; E_INVALIDARG with the reason when Ferry cannot use it. */
  public static DecryptionInfo parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (Exception e) {
      throw invalid("DecryptionInfo is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid("DecryptionInfo must be a JSON object");
    }
    String algorithm = root.path("AlgorithmName").asText("");
    String mode = root.path("ChainingMode").asText("");
    if (!algorithm.equalsIgnoreCase("AES") || !mode.equalsIgnoreCase("CTR")) {
      throw invalid(
          "Ferry decrypts AlgorithmName AES with ChainingMode CTR, not '"
              + algorithm
              + "' / '"
              + mode
              + "'");
    }
    if (root.has("EncryptionBufferSize")) {
      long buffer = root.path("EncryptionBufferSize").asLong(-1);
      if (buffer <= 0 || buffer % BLOCK != 0) {
        throw invalid("EncryptionBufferSize must be a positive multiple of 16");
      }
    }
    byte[] keyData;
    try {
      keyData = Base64.getDecoder().decode(root.path("KeyData").asText(""));
    } catch (IllegalArgumentException e) {
      throw invalid("KeyData is not base64");
    }
    int keyLength = keyData.length - BLOCK;
    if (keyLength != 16 && keyLength != 24 && keyLength != 32) {
      throw invalid("KeyData must hold a 16, 24 or 32-byte AES key and a 16-byte counter block");
    }
    return new DecryptionInfo(
        Arrays.copyOf(keyData, keyLength), Arrays.copyOfRange(keyData, keyLength, keyData.length));
  }

  /** The JSON for {@code key} and {@code counter}, as a publisher would hand it out. */
  public static String describe(byte[] key, byte[] counter) {
    byte[] keyData = Arrays.copyOf(key, key.length + counter.length);
    System.arraycopy(counter, 0, keyData, key.length, counter.length);
    var root = JSON.createObjectNode();
    root.put("AlgorithmName", "AES");
    root.put("ChainingMode", "CTR");
    root.put("KeyData", Base64.getEncoder().encodeToString(keyData));
    return root.toString();
  }

  @Override
  public void apply(byte[] bytes, int offset, int length, long remoteOffset) {
    if (length == 0) {
      return;
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(counterAt(remoteOffset / BLOCK)));
      int skip = (int) (remoteOffset % BLOCK);
      if (skip > 0) {
        cipher.update(new byte[skip]);
      }
      int done = cipher.update(bytes, offset, length, bytes, offset);
      if (done != length) {
        throw new IllegalStateException("CTR returned " + done + " of " + length + " bytes");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is part of every JDK", e);
    }
  }

  private byte[] counterAt(long block) {
    byte[] wide =
        initialCounter
            .add(BigInteger.valueOf(block))
            .mod(BigInteger.ONE.shiftLeft(128))
            .toByteArray();
    byte[] counter = new byte[BLOCK];
    int copy = Math.min(wide.length, BLOCK);
    System.arraycopy(wide, wide.length - copy, counter, BLOCK - copy, copy);
    return counter;
  }

  private static FerryException invalid(String message) {
    return new FerryException(HResult.E_INVALIDARG, message);
  }
}
