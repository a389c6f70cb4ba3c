/** The Java client of ferryd: the ferry-api interfaces over the daemon's local REST API. */
package dev.ferry.client;
