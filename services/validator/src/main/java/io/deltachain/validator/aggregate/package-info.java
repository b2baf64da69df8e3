/**
 * Deterministic robust aggregation of the accepted dense deltas of one layer: weighted mean by
 * verified tokens, Krum, multi-Krum, coordinate-wise trimmed mean and coordinate-wise median.
 *
 * <p>Why the code looks the way it does: validators on different machines must produce
 * bit-identical checkpoints, because they vote on the checkpoint's hash. Java float and double
 * arithmetic is strict IEEE 754 since Java 17, so identical bits follow from an identical
 * sequence of operations. Every reduction therefore runs in a fixed order that depends only on
 * the data's shape: coordinates are cut into blocks of {@link CoordinateBlocks#BLOCK} values
 * starting at each tensor's first value, each block is reduced with the same fixed sequence of
 * operations, and block results are combined in block order. No parallel streams, no
 * {@code Math.fma}, no reductions whose order the runtime may choose. A multi-threaded run only
 * distributes whole blocks across threads and combines their results in block order, so it
 * produces the same bits as a single-threaded run (tested).
 */
package io.deltachain.validator.aggregate;
