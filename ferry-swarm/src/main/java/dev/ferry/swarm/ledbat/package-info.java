/**
 * Uploads that yield, as LEDBAT (RFC 6817) makes DO's: the delay that queues in front of the
 * machine's uplink is measured from the kernel's round-trip times of the upload connections ({@link
 * dev.ferry.swarm.ledbat.SocketRtts}), and {@link dev.ferry.swarm.ledbat.DelayController} keeps the
 * upload rate where that delay stays under a target, so that the machine's own traffic (its
 * downloads' acknowledgements above all) is not held up behind what peers are sent. Over TCP, not
 * uTP: the kernel measures, Ferry paces.
 */
package dev.ferry.swarm.ledbat;
