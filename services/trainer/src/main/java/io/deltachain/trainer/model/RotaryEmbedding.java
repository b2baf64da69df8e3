package io.deltachain.trainer.model;

import io.deltachain.core.profile.ModelProfile;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in the Hugging Face layout ({@code rotate_half}, cos/sin built from
 * {@code concat(freqs, freqs)}), with the profile's frequency scaling (llama3, linear). Tables are computed in
 * Java (double precision) and grown on demand, so a 128k-context spec costs nothing until used.
 */
final class RotaryEmbedding implements AutoCloseable {
  private final NDManager manager;
  private final int headDim;
  private final int maxPositions;
  private final double[] invFreq;
  private NDArray cosTable;
  private NDArray sinTable;
  private int tableLength;

  RotaryEmbedding(NDManager manager, ModelProfile spec) {
    this.manager = manager;
    this.headDim = spec.headDim();
    this.maxPositions = spec.maxPositionEmbeddings();
    invFreq = spec.ropeInverseFrequencies();
  }

  /** @return the (possibly scaled) inverse frequencies */
  double[] inverseFrequencies() {
    return invFreq.clone();
  }

  /**
   * cos and sin for positions {@code [start, start + length)}, shape {@code [length, headDim]},
   * attached to {@code target}.
   */
  NDArray[] slice(NDManager target, int start, int length) {
    int end = start + length;
    if (end > maxPositions) {
      throw new IllegalArgumentException("position " + (end - 1) + " exceeds max_position_embeddings "
          + maxPositions);
    }
    ensure(end);
    NDArray cos = cosTable.get(target, new ai.djl.ndarray.index.NDIndex("{}:{}", start, end));
    NDArray sin = sinTable.get(target, new ai.djl.ndarray.index.NDIndex("{}:{}", start, end));
    return new NDArray[] {cos, sin};
  }

  private void ensure(int length) {
    if (length <= tableLength) {
      return;
    }
    int newLength = Math.min(maxPositions, Math.max(length, Math.max(64, tableLength * 2)));
    int half = headDim / 2;
    float[] cos = new float[newLength * headDim];
    float[] sin = new float[newLength * headDim];
    for (int p = 0; p < newLength; p++) {
      for (int i = 0; i < half; i++) {
        // fp32 angle as in HF (pos and inv_freq are fp32 there); double here then rounded.
        double angle = (double) (float) ((float) p * (float) invFreq[i]);
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[p * headDim + i] = c;
        cos[p * headDim + i + half] = c;
        sin[p * headDim + i] = s;
        sin[p * headDim + i + half] = s;
      }
    }
    close();
    cosTable = manager.create(cos, new Shape(newLength, headDim));
    sinTable = manager.create(sin, new Shape(newLength, headDim));
    tableLength = newLength;
  }

  /** {@code x * cos + rotate_half(x) * sin} for x of shape {@code [B, H, T, headDim]}. */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
    NDArray x1 = x.get("..., :{}", half);
    NDArray x2 = x.get("..., {}:", half);
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }

  @Override
  public void close() {
    if (cosTable != null) {
      cosTable.close();
      sinTable.close();
    }
  }
}
