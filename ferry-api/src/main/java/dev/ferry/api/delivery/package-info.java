/**
 * Delivery Optimization: the DO extensions of the job model ({@link
 * dev.ferry.api.delivery.DeliveryOptimizationJob}, {@link
 * dev.ferry.api.delivery.DeliveryOptimizationFile}) and the native download API ({@link
 * dev.ferry.api.delivery.DeliveryManager}, {@link dev.ferry.api.delivery.Download}).
 *
 * <p>COM reaches these through QueryInterface on the BITS objects; here each interface has a static
 * {@code of} that does the same on a job, file or manager and fails with {@code E_NOINTERFACE} when
 * the object does not offer it. Every object Ferry hands out offers them.
 */
package dev.ferry.api.delivery;
