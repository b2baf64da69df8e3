package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A frozen base weight held in a compressed form and expanded only for the forward pass. */
public interface QuantizedWeight extends AutoCloseable {

  /** @return the logical shape {@code [out, in]} */
  Shape shape();

  /** @return the format name recorded in metadata, such as {@code nf4} */
  String format();

  /**
   * Expands the weight for one forward pass; the result belongs to {@code target}.
   *
   * @param target the manager of the current step
   * @param type the compute dtype
   * @return the dequantised weight
   */
  NDArray dequantize(NDManager target, DataType type);

  /** @return the bytes the compressed form occupies */
  long storedBytes();

  @Override
  void close();
}
