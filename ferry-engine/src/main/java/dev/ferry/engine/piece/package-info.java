/**
 * The content model: which bytes of a remote file are wanted ({@link
 * dev.ferry.engine.piece.Layout}) and which fixed-size pieces of them have arrived ({@link
 * dev.ferry.engine.piece.PieceMap}). Every source fills the same map, so resuming, parallel
 * connections and peers need no change to the job model.
 */
package dev.ferry.engine.piece;
