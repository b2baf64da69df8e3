package io.deltachain.core.tx;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.proto.TrainingSettings;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A round's training settings as StartRound carries them ({@link TrainingSettings}), in the one
 * JSON shape every service uses for them (the ledger's round query, the round service's task
 * offers), with the rules a valid one follows and the rule that derives the data seed. Learning
 * rate and LoRA alpha are fixed point on chain; {@link #learningRate()} and {@link #loraAlpha()}
 * turn them back into the doubles trainers use, identically on every node.
 *
 * @param steps optimizer steps per trainer
 * @param batchSize sequences per micro-batch
 * @param sequenceLength tokens per sequence
 * @param learningRateE9 peak learning rate x 1e9
 * @param loraAlphaMilli LoRA alpha x 1000
 * @param baseModel the seed base nodes resolve ({@code random:<seed>}, an HF model id or directory name)
 * @param dataset the dataset spec nodes resolve ({@code europarl:600}, a file name)
 * @param dataSeed the seed trainers shard and shuffle the training data with ({@link #dataSeed(String, long)})
 */
public record RoundTraining(long steps, long batchSize, long sequenceLength, long learningRateE9, long loraAlphaMilli,
    String baseModel, String dataset, long dataSeed) {

  /** Most optimizer steps a round may ask for. */
  public static final long MAX_STEPS = 1_000_000;
  /** Largest micro-batch. */
  public static final long MAX_BATCH = 65_536;
  /** Longest sequence. */
  public static final long MAX_SEQUENCE = 1_048_576;
  /** Largest learning rate x 1e9 (a learning rate of 10). */
  public static final long MAX_LEARNING_RATE_E9 = 10_000_000_000L;
  /** Largest LoRA alpha x 1000. */
  public static final long MAX_LORA_ALPHA_MILLI = 1_000_000_000L;
  /** Longest base model or dataset name. */
  public static final int MAX_NAME = 256;

  private static final byte[] SEED_DOMAIN = "deltachain-data-seed-v1".getBytes(StandardCharsets.UTF_8);

  /** Normalizes null names to empty (they are then refused by {@link #problem()}). */
  public RoundTraining {
    baseModel = baseModel == null ? "" : baseModel;
    dataset = dataset == null ? "" : dataset;
  }

  /** The settings of a StartRound's {@code training} field (unsigned fields read as unsigned). */
  public static RoundTraining of(TrainingSettings t) {
    return new RoundTraining(Integer.toUnsignedLong(t.getSteps()), Integer.toUnsignedLong(t.getBatchSize()),
        Integer.toUnsignedLong(t.getSequenceLength()), t.getLearningRateE9(), Integer.toUnsignedLong(t.getLoraAlphaMilli()),
        t.getBaseModel(), t.getDataset(), t.getDataSeed());
  }

  /** The settings as they go into StartRound; call {@link #problem()} first. */
  public TrainingSettings toProto() {
    return TrainingSettings.newBuilder().setSteps((int) steps).setBatchSize((int) batchSize)
        .setSequenceLength((int) sequenceLength).setLearningRateE9(learningRateE9).setLoraAlphaMilli((int) loraAlphaMilli)
        .setBaseModel(baseModel).setDataset(dataset).setDataSeed(dataSeed).build();
  }

  /** The peak learning rate. */
  public double learningRate() {
    return learningRateE9 / 1e9;
  }

  /** The LoRA alpha. */
  public double loraAlpha() {
    return loraAlphaMilli / 1e3;
  }

  /** A learning rate in fixed point (x 1e9, rounded half up); 0 for a non-positive or non-finite rate. */
  public static long learningRateE9(double lr) {
    return Double.isFinite(lr) && lr > 0 ? StrictMath.round(lr * 1e9) : 0;
  }

  /** A LoRA alpha in fixed point (x 1000, rounded half up); 0 for a non-positive or non-finite alpha. */
  public static long loraAlphaMilli(double alpha) {
    return Double.isFinite(alpha) && alpha > 0 ? StrictMath.round(alpha * 1e3) : 0;
  }

  /**
   * The data seed of a round: the first 8 bytes (big-endian) of
   * {@code SHA-256("deltachain-data-seed-v1" 0x00 || round_id (utf-8) || 0x00 || eval_seed (u64 big-endian))}.
   * The round service derives it; anyone can check it from the StartRound alone. Every round
   * therefore shuffles and shards its data differently, and nobody picks the shuffle.
   */
  public static long dataSeed(String roundId, long evalSeed) {
    MessageDigest d = ContentHash.newDigest();
    d.update(SEED_DOMAIN);
    d.update((byte) 0);
    d.update(roundId.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
    d.update(ByteBuffer.allocate(8).putLong(evalSeed).array());
    return ByteBuffer.wrap(d.digest()).getLong();
  }

  /**
   * What is wrong with these settings, naming the field ({@code training.steps ...}), or empty
   * when they are valid. LoRA alpha must be positive when {@code adapters} (a LoRA or QLoRA
   * assignment) is true.
   */
  public Optional<String> problem(boolean adapters) {
    if (steps < 1 || steps > MAX_STEPS) {
      return Optional.of("training.steps " + steps + " is outside 1.." + MAX_STEPS);
    }
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      return Optional.of("training.batch_size " + batchSize + " is outside 1.." + MAX_BATCH);
    }
    if (sequenceLength < 1 || sequenceLength > MAX_SEQUENCE) {
      return Optional.of("training.sequence_length " + sequenceLength + " is outside 1.." + MAX_SEQUENCE);
    }
    if (learningRateE9 < 1 || learningRateE9 > MAX_LEARNING_RATE_E9) {
      return Optional.of("training.learning_rate_e9 " + Long.toUnsignedString(learningRateE9) + " is outside 1.."
          + MAX_LEARNING_RATE_E9 + " (a learning rate above 0 and at most 10)");
    }
    if (loraAlphaMilli > MAX_LORA_ALPHA_MILLI || (adapters && loraAlphaMilli < 1)) {
      return Optional.of("training.lora_alpha_milli " + loraAlphaMilli + " is outside " + (adapters ? 1 : 0) + ".."
          + MAX_LORA_ALPHA_MILLI + (adapters ? " (the round has LoRA assignments)" : ""));
    }
    Optional<String> name = name("training.base_model", baseModel);
    return name.isPresent() ? name : name("training.dataset", dataset);
  }

  private static Optional<String> name(String field, String value) {
    if (value.isBlank()) {
      return Optional.of(field + " is empty");
    }
    if (value.length() > MAX_NAME) {
      return Optional.of(field + " is longer than " + MAX_NAME + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(field + " contains control characters");
    }
    return Optional.empty();
  }

  /** The JSON shape of the ledger's round query and the round service's task offers. */
  public JsonObject toJson() {
    return new JsonObject().put("steps", steps).put("batch_size", batchSize).put("sequence_length", sequenceLength)
        .put("learning_rate_e9", Long.toUnsignedString(learningRateE9)).put("lora_alpha_milli", loraAlphaMilli)
        .put("base_model", baseModel).put("dataset", dataset).put("data_seed", Long.toUnsignedString(dataSeed));
  }

  /**
   * Parses {@link #toJson()}'s shape.
   *
   * @throws IllegalArgumentException naming the first missing or malformed field
   */
  public static RoundTraining fromJson(JsonObject j) {
    if (j == null) {
      throw new IllegalArgumentException("no training settings");
    }
    return new RoundTraining(number(j, "steps"), number(j, "batch_size"), number(j, "sequence_length"),
        unsigned(j, "learning_rate_e9"), number(j, "lora_alpha_milli"), text(j, "base_model"), text(j, "dataset"),
        unsigned(j, "data_seed"));
  }

  private static long number(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("training." + key + " must be a whole number, got " + v);
    }
    return n.longValue();
  }

  private static long unsigned(JsonObject j, String key) {
    Object v = j.getValue(key);
    try {
      if (v instanceof String s) {
        return Long.parseUnsignedLong(s);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    if (v instanceof Number) {
      return number(j, key);
    }
    throw new IllegalArgumentException("training." + key + " must be an unsigned 64-bit number (a decimal string),"
        + " got " + v);
  }

  private static String text(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("training." + key + " must be a string, got " + v);
    }
    return s;
  }
}
