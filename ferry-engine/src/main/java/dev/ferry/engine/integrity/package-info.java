/**
 * Content integrity and confidentiality for DO: the piece-hash file (IntegrityCheckInfo) that every
 * piece is verified against, and the decryption (DecryptionInfo) applied on the way to disk. The
 * piece-hash file is also what peers will use to check each other's pieces, so its encoding is
 * canonical.
 */
package dev.ferry.engine.integrity;
