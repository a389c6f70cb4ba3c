package dev.ferry.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * DO's IntegrityCheckInfo JSON: where the piece-hash file is ({@code PiecesHashFileUrl}, relative
 * URLs resolve against the download's), and optionally its digest ({@code PiecesHashFileDigest},
 * base64, with {@code PiecesHashFileDigestAlgorithm} {@code SHA256}) and {@code HashOfHashes}
 * (base64 SHA-256 over the piece hashes). A fetched file that fails either check is treated as
 * unavailable.
 */
public record IntegrityCheckInfo(String hashFileUrl, byte[] digest, byte[] hashOfHashes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses the property value; E_INVALIDARG with the reason when it is not usable. */
  public static IntegrityCheckInfo parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (Exception e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "IntegrityCheckInfo is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new FerryException(HResult.E_INVALIDARG, "IntegrityCheckInfo must be a JSON object");
    }
    String url = root.path("PiecesHashFileUrl").asText("");
    if (url.isEmpty()) {
      throw new FerryException(
          HResult.DO_E_INTEGRITYCHECKINFO_UNSPECIFIED,
          "IntegrityCheckInfo needs a PiecesHashFileUrl");
    }
    String algorithm = root.path("PiecesHashFileDigestAlgorithm").asText("SHA256");
    if (!algorithm.replace("-", "").equalsIgnoreCase("SHA256")) {
      throw new FerryException(
          HResult.E_INVALIDARG, "unsupported PiecesHashFileDigestAlgorithm " + algorithm);
    }
    try {
      return new IntegrityCheckInfo(
          url, base64(root, "PiecesHashFileDigest"), base64(root, "HashOfHashes"));
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "IntegrityCheckInfo: " + e.getMessage());
    }
  }

  private static byte[] base64(JsonNode root, String field) {
    String text = root.path(field).asText("");
    return text.isEmpty() ? null : Base64.getDecoder().decode(text);
  }

  /** The piece-hash file's address for a download from {@code downloadUrl}. */
  public URI resolve(String downloadUrl) {
    return URI.create(downloadUrl).resolve(hashFileUrl);
  }

  /** Parses and checks a fetched file against the digests given. */
  public PieceHashes verify(byte[] encoded) {
    if (digest != null && !MessageDigest.isEqual(digest, PieceHashes.sha256().digest(encoded))) {
      throw new IllegalArgumentException("the piece-hash file does not match PiecesHashFileDigest");
    }
    PieceHashes hashes = PieceHashes.parse(encoded);
    if (hashOfHashes != null && !MessageDigest.isEqual(hashOfHashes, hashes.hashOfHashes())) {
      throw new IllegalArgumentException("the piece hashes do not match HashOfHashes");
    }
    return hashes;
  }

  /** The JSON a publisher gives for {@code hashes} served at {@code url}. */
  public static String describe(String url, PieceHashes hashes) {
    return describe(url, hashes, new LinkedHashMap<>());
  }

  /**
   * The same, with fields of Ferry's own after DO's (a content id, a swarm's info-hash), which
   * {@link #parse} and DO ignore.
   */
  public static String describe(String url, PieceHashes hashes, SequencedMap<String, String> more) {
    var root = JSON.createObjectNode();
    root.put("PiecesHashFileUrl", url);
    root.put(
        "PiecesHashFileDigest",
        Base64.getEncoder().encodeToString(PieceHashes.sha256().digest(hashes.encode())));
    root.put("PiecesHashFileDigestAlgorithm", "SHA256");
    root.put("HashOfHashes", Base64.getEncoder().encodeToString(hashes.hashOfHashes()));
    more.forEach(root::put);
    return root.toString();
  }
}
