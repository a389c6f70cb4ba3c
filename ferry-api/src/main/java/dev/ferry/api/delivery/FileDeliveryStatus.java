package dev.ferry.api.delivery;

/**
 * One row of Get-DeliveryOptimizationStatus: a file of the caller's, from a DO download or a job.
 *
 * @param ownerId the download's id, or the job's GUID
 * @param download whether the file belongs to a DO download rather than a BITS job
 * @param localPath where the file goes; empty for a sink
 */
public record FileDeliveryStatus(
    String ownerId, boolean download, String localPath, SwarmStats stats) {}
