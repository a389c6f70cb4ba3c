package dev.ferry.api.delivery;

/** DOJobPropertyId: IDeliveryOptimizationJob2's only property. */
public enum DeliveryJobProperty {
  /** A JSON object describing the job's last error: {@code {"HResult": …, …}}. Read-only. */
  EXTENDED_ERROR_INFO
}
