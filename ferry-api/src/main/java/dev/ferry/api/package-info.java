/**
 * Ferry's public API: the BITS job model (manager, job, file, error, callback) as idiomatic Java.
 *
 * <p>COM versions are merged into one interface each, enumerators are lists, structures are
 * records, enumerations keep their documented numeric values, and every failure is a {@link
 * dev.ferry.api.FerryException} carrying the documented HRESULT. Success codes such as
 * BG_S_PARTIAL_COMPLETE are returned, not thrown. The same interfaces are implemented by the
 * embedded engine and, later, by the client of the ferryd daemon.
 */
package dev.ferry.api;
