package io.deltachain.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Text generation with a KV cache: one prefill pass over the prompt, then one position per new
 * token. Greedy when the temperature is 0, otherwise temperature / top-k sampling ({@link Sampler})
 * from a seeded random source, so equal inputs give equal outputs.
 */
public final class Generator {
  private final CausalLm model;

  /**
   * Creates a generator.
   *
   * @param model the model
   */
  public Generator(CausalLm model) {
    this.model = model;
  }

  /**
   * Generates tokens after a prompt.
   *
   * @param prompt prompt token ids (at least one)
   * @param maxNewTokens how many tokens to add at most
   * @param temperature 0 for greedy, else the softmax temperature
   * @param topK sample among the k most likely tokens (0 = all)
   * @param seed sampling seed
   * @param stopToken generation ends after emitting this id (negative for none)
   * @return the new tokens (without the prompt)
   */
  public int[] generate(int[] prompt, int maxNewTokens, double temperature, int topK, long seed, int stopToken) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt must hold at least one token");
    }
    if (prompt.length + maxNewTokens > model.spec().maxPositionEmbeddings()) {
      throw new IllegalArgumentException("prompt (" + prompt.length + ") plus " + maxNewTokens
          + " new tokens exceeds max_position_embeddings " + model.spec().maxPositionEmbeddings());
    }
    Sampler sampler = new Sampler(temperature, topK, 1.0);
    SplittableRandom random = new SplittableRandom(seed);
    int[] out = new int[maxNewTokens];
    int produced = 0;
    try (NDManager session = model.manager().newSubManager();
        KvCache cache = new KvCache(session, model.spec().numLayers())) {
      long[] input = Arrays.stream(prompt).asLongStream().toArray();
      while (produced < maxNewTokens) {
        float[] last;
        try (NDManager step = session.newSubManager()) {
          NDArray tokens = step.create(input, new Shape(1, input.length));
          NDArray logits = model.forward(tokens, cache, false);
          last = logits.get("0, -1, :").toFloatArray();
        }
        int next = sampler.sample(last, random);
        out[produced++] = next;
        if (next == stopToken) {
          break;
        }
        input = new long[] {next};
      }
    }
    return Arrays.copyOf(out, produced);
  }
}
