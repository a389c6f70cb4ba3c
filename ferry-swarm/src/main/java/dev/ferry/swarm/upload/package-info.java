/**
 * When this machine may serve peers at all: DO serves no peer on a metered connection, nor on
 * battery unless DOMinBatteryPercentageAllowedToUpload allows it (and then LAN and group peers
 * only). {@link dev.ferry.swarm.upload.UploadConditions} asks the machine ({@link
 * dev.ferry.swarm.upload.PowerSupply}, {@link dev.ferry.swarm.upload.MeteredNetwork}) before the
 * upload account it guards.
 */
package dev.ferry.swarm.upload;
