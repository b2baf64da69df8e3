package io.deltachain.trainer.pipeline;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Gradient clipping across stages, the rule {@code TrainingSession} applies in one process: each
 * layer's gradient norm is clipped to {@code maxLayerGradNorm} (0 = off), then the whole model's to
 * {@code maxGradNorm} (0 = off). Layer -1 groups the embedding, final norm and head, which live on
 * the first and last stage, so stages report squared norms per layer and the coordinator sums
 * them before deciding; every stage then scales its gradients by its layers' factors.
 *
 * @param layerFactors factor per layer (before the global factor)
 * @param globalFactor factor applied to every gradient after the layer factors
 * @param globalNorm the unclipped global gradient norm
 */
public record ClipRule(SortedMap<Integer, Double> layerFactors, double globalFactor, double globalNorm) {

  /**
   * Decides the factors from every stage's squared norms.
   *
   * @param layerSquares squared gradient norm per layer, summed over the stages that hold it
   * @param maxGradNorm global clip (0 = off)
   * @param maxLayerGradNorm per-layer clip (0 = off)
   * @return the factors
   */
  public static ClipRule decide(Map<Integer, Double> layerSquares, double maxGradNorm, double maxLayerGradNorm) {
    SortedMap<Integer, Double> sorted = new TreeMap<>(layerSquares);
    double total = 0;
    for (double v : sorted.values()) {
      total += v;
    }
    SortedMap<Integer, Double> factors = new TreeMap<>();
    double clippedTotal = 0;
    for (Map.Entry<Integer, Double> e : sorted.entrySet()) {
      double norm = Math.sqrt(e.getValue());
      double f = maxLayerGradNorm > 0 && norm > maxLayerGradNorm ? maxLayerGradNorm / (norm + 1e-6) : 1.0;
      factors.put(e.getKey(), f);
      clippedTotal += e.getValue() * f * f;
    }
    double clippedNorm = Math.sqrt(clippedTotal);
    double global = maxGradNorm > 0 && clippedNorm > maxGradNorm ? maxGradNorm / (clippedNorm + 1e-6) : 1.0;
    return new ClipRule(factors, global, Math.sqrt(total));
  }

  /**
   * @param layer a layer (-1 for embedding, norm and head)
   * @return the factor its gradients are multiplied by
   */
  public double factor(int layer) {
    return layerFactors.getOrDefault(layer, 1.0) * globalFactor;
  }
}
