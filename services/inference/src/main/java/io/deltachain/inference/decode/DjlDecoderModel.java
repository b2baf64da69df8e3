package io.deltachain.inference.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.deltachain.trainer.model.CausalLm;
import io.deltachain.trainer.model.KvCache;

/**
 * The trainer's DJL model as a {@link DecoderModel}. Its parameters are frozen (no autograd graph
 * is recorded). Sessions on one model may run on different threads; each forward pass is
 * serialized on the model, which DJL's PyTorch engine does not promise to be safe otherwise.
 */
public final class DjlDecoderModel implements DecoderModel {
  private final CausalLm model;
  private final String name;
  private final long parameters;

  /**
   * @param model the model (now owned for inference: its parameters are frozen)
   * @param name name for statistics
   */
  public DjlDecoderModel(CausalLm model, String name) {
    this.model = model;
    this.name = name;
    model.setTrainable(n -> false);
    long count = 0;
    for (var p : model.parameters().values()) {
      count += p.getArray().size();
    }
    this.parameters = count;
  }

  /** @return the wrapped model */
  public CausalLm model() {
    return model;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int vocabSize() {
    return model.spec().vocabSize();
  }

  @Override
  public long parameterCount() {
    return parameters;
  }

  @Override
  public int maxPositions() {
    return model.spec().maxPositionEmbeddings();
  }

  @Override
  public DecoderSession open() {
    return new Session();
  }

  private final class Session implements DecoderSession {
    private final NDManager manager = model.manager().newSubManager();
    private final KvCache cache = new KvCache(manager, model.spec().numLayers());

    @Override
    public int length() {
      return cache.length();
    }

    @Override
    public float[][] append(int[] tokens) {
      if (tokens.length == 0) {
        throw new IllegalArgumentException("append needs at least one token");
      }
      if (cache.length() + tokens.length > maxPositions()) {
        throw new IllegalArgumentException("sequence of " + (cache.length() + tokens.length)
            + " tokens exceeds max_position_embeddings " + maxPositions() + " of " + name);
      }
      int v = vocabSize();
      for (int t : tokens) {
        if (t < 0 || t >= v) {
          throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + v + ")");
        }
      }
      float[] flat;
      synchronized (model) {
        try (NDManager step = manager.newSubManager()) {
          long[] ids = new long[tokens.length];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens[i];
          }
          NDArray input = step.create(ids, new Shape(1, ids.length));
          flat = model.forward(input, cache, false).toFloatArray();
        }
      }
      float[][] rows = new float[tokens.length][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
      }
      return rows;
    }

    @Override
    public void truncate(int length) {
      cache.truncate(length);
    }

    @Override
    public void close() {
      cache.close();
      manager.close();
    }
  }
}
