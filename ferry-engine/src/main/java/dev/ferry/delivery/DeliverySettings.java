package dev.ferry.delivery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A file's Delivery Optimization settings, persisted with the file as JSON. A file without any is
 * stored with none, so a plain BITS job never starts the JSON library.
 *
 * @param fileId DO's file id (AddFileWithRanges); null for a file added the BITS way
 * @param inPlace ranges land at their remote offsets
 * @param sinkUnset added by Job2's AddFile without a local name; the job cannot start until a sink
 *     path or interface is set
 * @param sink bytes go to a caller's {@link dev.ferry.api.delivery.DownloadSink}, not a file
 * @param integrityCheckInfo the IntegrityCheckInfo JSON, or null
 * @param integrityCheckMandatory null when never set
 * @param pieceHashes the piece-hash file once fetched and checked, or null
 * @param decryptionInfo the DecryptionInfo JSON, or null (kept in the 0600 database)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DeliverySettings(
    String fileId,
    boolean inPlace,
    boolean sinkUnset,
    boolean sink,
    String integrityCheckInfo,
    Boolean integrityCheckMandatory,
    byte[] pieceHashes,
    String decryptionInfo,
    Long totalSizeBytes) {

  static final DeliverySettings NONE =
      new DeliverySettings(null, false, false, false, null, null, null, null, null);

  DeliverySettings withSink(boolean newSinkUnset, boolean newSink) {
    return new DeliverySettings(
        fileId,
        inPlace,
        newSinkUnset,
        newSink,
        integrityCheckInfo,
        integrityCheckMandatory,
        pieceHashes,
        decryptionInfo,
        totalSizeBytes);
  }

  DeliverySettings withIntegrity(String info, Boolean mandatory, byte[] hashes) {
    return new DeliverySettings(
        fileId, inPlace, sinkUnset, sink, info, mandatory, hashes, decryptionInfo, totalSizeBytes);
  }

  DeliverySettings withDecryption(String info) {
    return new DeliverySettings(
        fileId,
        inPlace,
        sinkUnset,
        sink,
        integrityCheckInfo,
        integrityCheckMandatory,
        pieceHashes,
        info,
        totalSizeBytes);
  }

  DeliverySettings withTotalSize(Long size) {
    return new DeliverySettings(
        fileId,
        inPlace,
        sinkUnset,
        sink,
        integrityCheckInfo,
        integrityCheckMandatory,
        pieceHashes,
        decryptionInfo,
        size);
  }

  String encode() {
    try {
      return DeliveryJson.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static DeliverySettings decode(String json) {
    if (json == null || json.isEmpty()) {
      return NONE;
    }
    try {
      return DeliveryJson.MAPPER.readValue(json, DeliverySettings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable DO settings: " + e.getMessage(), e);
    }
  }
}
