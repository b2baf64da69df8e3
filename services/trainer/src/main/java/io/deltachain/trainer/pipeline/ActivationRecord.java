package io.deltachain.trainer.pipeline;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.profile.LayerRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage saw and sent at its boundaries, per optimizer step and micro-batch: the SHA-256
 * of the activation it received (empty on the first stage, whose input is tokens), of the
 * activation it sent on (empty on the last stage) and, on the last stage, the micro-batch's loss.
 * Stored with the stage's deltas ({@link #METADATA_KEY} in their metadata) so a validator can pick
 * any micro-batch and recompute it ({@link SpotCheck}).
 */
public final class ActivationRecord {
  /** Delta-metadata metric holding {@link #toJson()} encoded. */
  public static final String METADATA_KEY = "pipeline.activations";
  /** Delta-metadata metric holding the hex SHA-256 of that JSON text. */
  public static final String METADATA_HASH_KEY = "pipeline.activations_sha256";
  /** Format name. */
  public static final String FORMAT = "deltachain-pipeline-activations";
  /** Format version. */
  public static final int VERSION = 1;

  /**
   * One micro-batch at one stage.
   *
   * @param inputSha256 hex SHA-256 of the received activation, empty on the first stage
   * @param outputSha256 hex SHA-256 of the sent activation, empty on the last stage
   * @param loss the micro-batch's loss on the last stage, NaN elsewhere
   */
  public record Entry(String inputSha256, String outputSha256, double loss) {
  }

  private final int stage;
  private final int stages;
  private final LayerRange span;
  private final int microBatches;
  private final TreeMap<Long, TreeMap<Integer, Entry>> steps = new TreeMap<>();

  /**
   * @param stage this stage's index
   * @param stages stages in the pipeline
   * @param span this stage's layers
   * @param microBatches micro-batches per step
   */
  public ActivationRecord(int stage, int stages, LayerRange span, int microBatches) {
    this.stage = stage;
    this.stages = stages;
    this.span = span;
    this.microBatches = microBatches;
  }

  /** @return the stage index */
  public int stage() {
    return stage;
  }

  /** @return the stage's layers */
  public LayerRange span() {
    return span;
  }

  /**
   * Records one micro-batch.
   *
   * @param step optimizer step
   * @param microBatch micro-batch
   * @param entry hashes and loss
   */
  public void put(long step, int microBatch, Entry entry) {
    steps.computeIfAbsent(step, s -> new TreeMap<>()).put(microBatch, entry);
  }

  /**
   * @param step optimizer step
   * @param microBatch micro-batch
   * @return the entry, or null if not recorded
   */
  public Entry get(long step, int microBatch) {
    Map<Integer, Entry> m = steps.get(step);
    return m == null ? null : m.get(microBatch);
  }

  /**
   * Forgets every step from {@code step} on (a step aborted, or a roll-back to a checkpoint).
   *
   * @param step first step to forget
   */
  public void truncate(long step) {
    steps.tailMap(step, true).clear();
  }

  /** @return the steps recorded */
  public int size() {
    return steps.size();
  }

  /** @return the record as JSON, steps and micro-batches in order */
  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    steps.forEach((step, micro) -> {
      JsonArray m = new JsonArray();
      micro.forEach((i, e) -> {
        JsonObject o = new JsonObject().put("micro", i).put("in", e.inputSha256()).put("out", e.outputSha256());
        if (!Double.isNaN(e.loss())) {
          o.put("loss", e.loss());
        }
        m.add(o);
      });
      s.add(new JsonObject().put("step", step).put("micro", m));
    });
    return new JsonObject().put("format", FORMAT).put("version", VERSION).put("stage", stage)
        .put("stages", stages).put("layers", span.toString()).put("firstLayer", span.first())
        .put("lastLayer", span.last()).put("microBatches", microBatches).put("steps", s);
  }

  /** @return hex SHA-256 of {@code toJson().encode()} */
  public String sha256() {
    return ContentHash.sha256(toJson().encode().getBytes(StandardCharsets.UTF_8)).hex();
  }

  /**
   * Reads {@link #toJson()}'s form.
   *
   * @param json the record
   * @return the record
   * @throws IllegalArgumentException on another format or version
   */
  public static ActivationRecord fromJson(JsonObject json) {
    if (!FORMAT.equals(json.getString("format")) || json.getInteger("version", -1) != VERSION) {
      throw new IllegalArgumentException("unsupported activation record: format " + json.getString("format")
          + " version " + json.getValue("version") + ", expected " + FORMAT + " version " + VERSION);
    }
    ActivationRecord r = new ActivationRecord(json.getInteger("stage"), json.getInteger("stages"),
        new LayerRange(json.getInteger("firstLayer"), json.getInteger("lastLayer")), json.getInteger("microBatches"));
    for (Object o : json.getJsonArray("steps")) {
      JsonObject st = (JsonObject) o;
      long step = st.getLong("step");
      for (Object p : st.getJsonArray("micro")) {
        JsonObject m = (JsonObject) p;
        r.put(step, m.getInteger("micro"), new Entry(m.getString("in"), m.getString("out"),
            m.containsKey("loss") ? m.getDouble("loss") : Double.NaN));
      }
    }
    return r;
  }

  /** @return every (step, micro-batch) recorded, in order */
  public List<long[]> keys() {
    List<long[]> out = new ArrayList<>();
    steps.forEach((step, micro) -> micro.keySet().forEach(i -> out.add(new long[] {step, i})));
    return out;
  }
}
