package io.deltachain.trainer.pipeline;

import io.deltachain.core.profile.ModelProfile;
import io.deltachain.core.profile.ModelProfiles;
import io.deltachain.core.profile.TrainingMode;
import io.deltachain.trainer.model.LoraConfig;
import io.deltachain.trainer.train.LearningRateSchedule;
import io.deltachain.trainer.train.TrainingConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What every stage of one pipeline run must agree on: the model (a bundled profile and either an
 * initialisation seed or a base checkpoint directory) and the training settings. The training
 * settings are an ordinary {@link TrainingConfig} over the whole model whose
 * {@code gradientAccumulation} is the number of micro-batches per optimizer step, so the same
 * object configures the single-process run a pipeline must reproduce. Travels to the stages as
 * JSON ({@link #toJson()}), with a format name and version that are checked on arrival.
 *
 * @param profile bundled profile name
 * @param initSeed seed of the random initialisation (ignored when {@code baseCheckpoint} is set)
 * @param baseCheckpoint directory of an HF checkpoint holding the base weights, or null
 * @param training the run's settings; mode FULL or LORA, no layer range, fp32
 */
public record PipelineRun(String profile, int initSeed, String baseCheckpoint, TrainingConfig training) {
  /** Format name in the JSON form. */
  public static final String FORMAT = "deltachain-pipeline-run";
  /** Format version in the JSON form. */
  public static final int VERSION = 1;

  /** Refuses what a pipeline cannot run, naming it. */
  public PipelineRun {
    if (profile == null || profile.isBlank()) {
      throw new IllegalArgumentException("a pipeline run needs a profile name");
    }
    if (training == null) {
      throw new IllegalArgumentException("a pipeline run needs training settings");
    }
    if (training.mode() != TrainingMode.FULL && training.mode() != TrainingMode.LORA) {
      throw new IllegalArgumentException("pipeline stages train FULL or LORA, not " + training.mode());
    }
    if (training.hasLayerRange()) {
      throw new IllegalArgumentException("a pipeline run covers the whole model; the layout assigns the spans, "
          + "not a layer range in the training settings");
    }
    if (training.mixedPrecision()) {
      throw new IllegalArgumentException("pipeline stages train in fp32 (mixed precision is not supported)");
    }
  }

  /** @return the bundled profile */
  public ModelProfile modelProfile() {
    return ModelProfiles.bundled(profile);
  }

  /** @return micro-batches per optimizer step */
  public int microBatches() {
    return training.gradientAccumulation();
  }

  /** @return the settings as JSON */
  public JsonObject toJson() {
    TrainingConfig t = training;
    LearningRateSchedule s = t.schedule();
    JsonObject out = new JsonObject()
        .put("format", FORMAT).put("version", VERSION)
        .put("profile", profile).put("initSeed", initSeed).put("baseCheckpoint", baseCheckpoint)
        .put("mode", t.mode().name()).put("steps", t.steps())
        .put("batchSize", t.batchSize()).put("sequenceLength", t.sequenceLength())
        .put("microBatches", t.gradientAccumulation())
        .put("learningRate", s.peak()).put("minLearningRate", s.minimum()).put("warmupSteps", s.warmupSteps())
        .put("weightDecay", t.weightDecay()).put("beta1", t.beta1()).put("beta2", t.beta2())
        .put("epsilon", t.epsilon()).put("maxGradNorm", t.maxGradNorm())
        .put("maxLayerGradNorm", t.maxLayerGradNorm()).put("seed", t.seed())
        // Stages always reseed dropout per layer; kept so the single-process twin of the run is exact.
        .put("activationCheckpointing", t.activationCheckpointing());
    if (t.lora() != null) {
      LoraConfig l = t.lora();
      out.put("lora", new JsonObject().put("rank", l.rank()).put("alpha", l.alpha()).put("dropout", l.dropout())
          .put("targetModules", new JsonArray(new ArrayList<>(l.targetModules()))));
    }
    return out;
  }

  /**
   * Reads {@link #toJson()}'s form.
   *
   * @param json the settings
   * @return the run
   * @throws IllegalArgumentException naming the problem when the format, version or a field is wrong
   */
  public static PipelineRun fromJson(JsonObject json) {
    if (!FORMAT.equals(json.getString("format")) || json.getInteger("version", -1) != VERSION) {
      throw new IllegalArgumentException("unsupported pipeline run settings: format " + json.getString("format")
          + " version " + json.getValue("version") + ", expected " + FORMAT + " version " + VERSION);
    }
    try {
      TrainingConfig.Builder b = TrainingConfig.builder()
          .setMode(TrainingMode.valueOf(json.getString("mode")))
          .setSteps(json.getInteger("steps"))
          .optBatch(json.getInteger("batchSize"), json.getInteger("sequenceLength"))
          .optGradientAccumulation(json.getInteger("microBatches"))
          .optLearningRate(json.getDouble("learningRate"), json.getDouble("minLearningRate"),
              json.getInteger("warmupSteps"))
          .optAdamW(json.getDouble("weightDecay"), json.getDouble("beta1"), json.getDouble("beta2"),
              json.getDouble("epsilon"))
          .optGradClip(json.getDouble("maxGradNorm"), json.getDouble("maxLayerGradNorm"))
          .optSeed(json.getLong("seed"))
          .optActivationCheckpointing(json.getBoolean("activationCheckpointing", false));
      JsonObject lora = json.getJsonObject("lora");
      if (lora != null) {
        List<String> targets = new ArrayList<>();
        lora.getJsonArray("targetModules").forEach(o -> targets.add((String) o));
        b.optLora(new LoraConfig(lora.getInteger("rank"), lora.getDouble("alpha"), lora.getDouble("dropout"),
            targets));
      }
      return new PipelineRun(json.getString("profile"), json.getInteger("initSeed"),
          json.getString("baseCheckpoint"), b.build());
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("pipeline run settings lack a field or hold one of the wrong type: "
          + json.encode(), e);
    }
  }
}
