/**
 * ferryd's local API as data: routes, JSON records, the error body and the HRESULT to HTTP status
 * mapping. The daemon serves it and the Java client speaks it, so both depend on this one
 * definition.
 */
package dev.ferry.rest;
