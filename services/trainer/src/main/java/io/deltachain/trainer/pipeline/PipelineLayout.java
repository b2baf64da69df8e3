package io.deltachain.trainer.pipeline;

import io.deltachain.core.profile.LayerRange;
import io.deltachain.core.profile.ModelProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model's decoder layers are split into pipeline stages: contiguous spans, first layer
 * first, together covering every layer once. The first stage also holds the embedding, the last
 * the final norm and head. Built from the round's partition plan ({@link #fromPlan}) or evenly
 * ({@link #even}).
 *
 * @param numLayers the model's decoder layers
 * @param spans the stages' spans, in pipeline order
 */
public record PipelineLayout(int numLayers, List<LayerRange> spans) {

  /** Checks the spans are contiguous and cover {@code [0, numLayers - 1]}. */
  public PipelineLayout {
    spans = List.copyOf(spans);
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a pipeline needs at least one stage");
    }
    int next = 0;
    for (int i = 0; i < spans.size(); i++) {
      LayerRange r = spans.get(i);
      if (r.first() != next) {
        throw new IllegalArgumentException("stage " + i + " starts at layer " + r.first() + " but layer " + next
            + " is the next one not yet assigned; spans must be contiguous: " + spans);
      }
      next = r.last() + 1;
    }
    if (next != numLayers) {
      throw new IllegalArgumentException("the stages cover layers 0-" + (next - 1) + " but the model has "
          + numLayers + " layers: " + spans);
    }
  }

  /** @return the number of stages */
  public int stages() {
    return spans.size();
  }

  /**
   * @param stage stage index
   * @return its span
   */
  public LayerRange span(int stage) {
    return spans.get(stage);
  }

  /**
   * Splits a model into {@code stages} spans whose sizes differ by at most one layer (earlier
   * stages get the extra layers).
   *
   * @param profile the model
   * @param stages how many stages
   * @return the layout
   */
  public static PipelineLayout even(ModelProfile profile, int stages) {
    int n = profile.numLayers();
    if (stages < 1 || stages > n) {
      throw new IllegalArgumentException("cannot split " + n + " layers into " + stages + " stages");
    }
    List<LayerRange> spans = new ArrayList<>();
    int first = 0;
    for (int i = 0; i < stages; i++) {
      int size = n / stages + (i < n % stages ? 1 : 0);
      spans.add(new LayerRange(first, first + size - 1));
      first += size;
    }
    return new PipelineLayout(n, spans);
  }

  /**
   * Reads one pipeline of the partition planner's plan document (the round service's
   * {@code PartitionPlan.toJson()}: {@code num_layers}, {@code pipelines[i].stages[j].first_layer}
   * and {@code last_layer}), so stages take exactly the spans the round assigned.
   *
   * @param plan the plan document
   * @param pipelineIndex which pipeline (data-parallel replica) of the plan
   * @return the layout
   * @throws IllegalArgumentException naming what is missing or inconsistent
   */
  public static PipelineLayout fromPlan(JsonObject plan, int pipelineIndex) {
    Integer numLayers = plan.getInteger("num_layers");
    JsonArray pipelines = plan.getJsonArray("pipelines");
    if (numLayers == null || pipelines == null) {
      throw new IllegalArgumentException("a partition plan needs num_layers and pipelines");
    }
    if (pipelineIndex < 0 || pipelineIndex >= pipelines.size()) {
      throw new IllegalArgumentException("the plan has " + pipelines.size() + " pipelines, no pipeline "
          + pipelineIndex);
    }
    JsonArray stages = pipelines.getJsonObject(pipelineIndex).getJsonArray("stages");
    if (stages == null || stages.isEmpty()) {
      throw new IllegalArgumentException("pipeline " + pipelineIndex + " of the plan has no stages");
    }
    List<LayerRange> spans = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      JsonObject s = stages.getJsonObject(i);
      Integer first = s.getInteger("first_layer");
      Integer last = s.getInteger("last_layer");
      if (first == null || last == null) {
        throw new IllegalArgumentException("stage " + i + " of pipeline " + pipelineIndex
            + " lacks first_layer or last_layer");
      }
      spans.add(new LayerRange(first, last));
    }
    return new PipelineLayout(numLayers, spans);
  }

  /**
   * The workers the plan assigned to a pipeline's stages, in stage order.
   *
   * @param plan the plan document
   * @param pipelineIndex which pipeline
   * @return worker ids
   */
  public static List<String> workersFromPlan(JsonObject plan, int pipelineIndex) {
    List<String> out = new ArrayList<>();
    plan.getJsonArray("pipelines").getJsonObject(pipelineIndex).getJsonArray("stages")
        .forEach(o -> out.add(((JsonObject) o).getString("worker")));
    return out;
  }
}
