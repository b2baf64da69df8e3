package io.deltachain.round.cost;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one round has cost so far, in integer micro-units.
 *
 * @param roundId the round
 * @param gpuMillisByClass GPU time by GPU class
 * @param gpuCostByClass the price of that time by class
 * @param storedBytes bytes of deltas and checkpoints stored
 * @param storageCost their price over the configured retention
 * @param transferredBytes bytes moved between nodes
 * @param transferCost their price
 */
public record RoundCost(
    String roundId,
    Map<String, Long> gpuMillisByClass,
    Map<String, Long> gpuCostByClass,
    long storedBytes,
    long storageCost,
    long transferredBytes,
    long transferCost) {

  /** Copies, sorted by class. */
  public RoundCost {
    gpuMillisByClass = Map.copyOf(new TreeMap<>(gpuMillisByClass));
    gpuCostByClass = Map.copyOf(new TreeMap<>(gpuCostByClass));
  }

  /** Everything together. */
  public long totalCost() {
    long gpu = gpuCostByClass.values().stream().mapToLong(Long::longValue).sum();
    return Math.addExact(Math.addExact(gpu, storageCost), transferCost);
  }

  /** GPU seconds over every class. */
  public double gpuSeconds() {
    return gpuMillisByClass.values().stream().mapToLong(Long::longValue).sum() / 1000.0;
  }

  /** The JSON the API returns; money in micro-units and in units with six decimals. */
  public JsonObject toJson() {
    JsonObject byClass = new JsonObject();
    new TreeMap<>(gpuMillisByClass).forEach((k, v) -> byClass.put(k, new JsonObject()
        .put("gpu_seconds", v / 1000.0)
        .put("cost_micros", gpuCostByClass.getOrDefault(k, 0L))));
    return new JsonObject()
        .put("gpu", byClass)
        .put("gpu_seconds", gpuSeconds())
        .put("stored_bytes", storedBytes)
        .put("storage_cost_micros", storageCost)
        .put("transferred_bytes", transferredBytes)
        .put("transfer_cost_micros", transferCost)
        .put("total_cost_micros", totalCost())
        .put("total_cost", java.math.BigDecimal.valueOf(totalCost(), 6).toPlainString());
  }
}
