package io.deltachain.round.planner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The planner's answer: data-parallel pipelines of stages, the workers left out and why, the
 * bottleneck, and warnings.
 *
 * @param model the profile's name
 * @param numLayers the model's layer count
 * @param mode what the round asked for
 * @param pipelines the pipelines, each covering every layer once
 * @param auxiliaries workers not training, with their role and reason
 * @param warnings things an operator should know (imbalanced pipelines, unused workers)
 */
public record PartitionPlan(
    String model,
    int numLayers,
    PlanMode mode,
    List<Pipeline> pipelines,
    List<AuxiliaryAssignment> auxiliaries,
    List<String> warnings) {

  /** Copies the lists. */
  public PartitionPlan {
    pipelines = List.copyOf(pipelines);
    auxiliaries = List.copyOf(auxiliaries);
    warnings = List.copyOf(warnings);
  }

  /** Aggregate training tokens per second over all pipelines. */
  public double tokensPerSecond() {
    return pipelines.stream().mapToDouble(Pipeline::tokensPerSecond).sum();
  }

  /** The slowest pipeline's bottleneck stage: what limits the whole plan most. */
  public Stage bottleneck() {
    return pipelines.stream()
        .min(Comparator.comparingDouble(Pipeline::tokensPerSecond))
        .map(Pipeline::bottleneck)
        .orElseThrow();
  }

  /** Every training worker, pipeline by pipeline. */
  public List<String> trainingWorkers() {
    List<String> out = new ArrayList<>();
    pipelines.forEach(p -> out.addAll(p.workerIds()));
    return out;
  }

  /** The stage a worker runs, if it trains. */
  public Optional<Stage> stageOf(String workerId) {
    return pipelines.stream()
        .flatMap(p -> p.stages().stream())
        .filter(s -> s.workerId().equals(workerId))
        .findFirst();
  }

  /** The pipeline a worker belongs to, if it trains. */
  public Optional<Pipeline> pipelineOf(String workerId) {
    return pipelines.stream().filter(p -> p.workerIds().contains(workerId)).findFirst();
  }

  /**
   * The canonical plan document, whose SHA-256 the StartRound transaction carries: fields in a
   * fixed order, nothing from clocks.
   */
  public JsonObject toJson() {
    JsonArray ps = new JsonArray();
    for (Pipeline p : pipelines) {
      JsonArray stages = new JsonArray();
      for (Stage s : p.stages()) {
        stages.add(new JsonObject()
            .put("worker", s.workerId())
            .put("gpu_class", s.gpuClass())
            .put("tier", s.tier().name())
            .put("first_layer", s.layers().first())
            .put("last_layer", s.layers().last())
            .put("mode", s.rung().mode().name())
            .put("checkpointing", s.rung().checkpointing())
            .put("base_precision", PlanPrecisions.label(s.basePrecision()))
            .put("compute_precision", PlanPrecisions.label(s.spec().computePrecision()))
            .put("lora_rank", s.loraRank())
            .put("memory_bytes", s.memory().totalBytes())
            .put("worker_memory_bytes", s.memoryBytes())
            .put("seconds_per_token", s.secondsPerToken()));
      }
      ps.add(new JsonObject()
          .put("shard_index", p.index())
          .put("stages", stages)
          .put("bottleneck_stage", p.bottleneckStage())
          .put("tokens_per_second", p.tokensPerSecond())
          .put("imbalance", p.imbalance()));
    }
    JsonArray aux = new JsonArray();
    auxiliaries.forEach(a -> aux.add(new JsonObject()
        .put("worker", a.workerId()).put("role", a.role().name()).put("reason", a.reason())));
    JsonObject out = new JsonObject()
        .put("model", model)
        .put("num_layers", numLayers)
        .put("mode", mode.label())
        .put("pipelines", ps)
        .put("auxiliaries", aux)
        .put("tokens_per_second", pipelines.isEmpty() ? 0.0 : tokensPerSecond())
        .put("warnings", new JsonArray(new ArrayList<>(warnings)));
    if (!pipelines.isEmpty()) {
      Stage b = bottleneck();
      out.put("bottleneck", new JsonObject()
          .put("worker", b.workerId())
          .put("layers", b.layers().toString())
          .put("seconds_per_token", b.secondsPerToken()));
    }
    return out;
  }
}
