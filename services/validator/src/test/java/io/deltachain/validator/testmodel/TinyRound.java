package io.deltachain.validator.testmodel;

import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.delta.DeltaKind;
import io.deltachain.core.delta.DeltaMetadata;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.validator.aggregate.CheckpointFiles;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.delta.LoraFactors;
import io.deltachain.validator.verdict.CheckContext;
import io.deltachain.validator.verdict.DeltaUnderReview;
import io.deltachain.validator.verdict.RoundPlan;
import io.deltachain.validator.verdict.RoundState;
import io.deltachain.validator.verdict.ValidatorPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One training round over the tiny model, as the chain would describe it: a pretrained base
 * checkpoint (written as safetensors, named by its hash), a StartRound plan with one assignment
 * per trainer, and delta files that go through the same file reading as real ones.
 */
public final class TinyRound {
  /** Training hyperparameters of honest trainers. */
  public static final int EPOCHS = 3;
  /** Learning rate of honest trainers. */
  public static final double LR = 0.05;
  /** Minibatch size. */
  public static final int BATCH = 8;
  /** LoRA rank for layer-0 LoRA assignments. */
  public static final int LORA_RANK = 4;
  /** LoRA alpha. */
  public static final float LORA_ALPHA = 8f;
  /** The round's eval seed. */
  public static final long EVAL_SEED = 7;
  /** The round's norm bound: 50 % of the base weight's norm. */
  public static final int MAX_NORM_RATIO_PPM = 500_000;

  public final TinyTask task = new TinyTask(42);
  public final TinyMlp previousBase;
  public final TinyMlp base;
  public final Path dir;
  public final Map<String, String> baseHashes = new TreeMap<>();
  public final String previousBaseHash;
  private final StartRound.Builder start = StartRound.newBuilder().setRoundId("round-1").setModelId("tiny-mlp")
      .setEvalSeed(EVAL_SEED).setMaxNormRatioPpm(MAX_NORM_RATIO_PPM);
  public final RoundState state = new RoundState();
  private int submissions;

  /** Pretrains the base (two passes; the state after the first is an older checkpoint). */
  public TinyRound(Path dir) {
    this.dir = dir;
    TinyMlp m = TinyMlp.init(1);
    TinyTask.Data pre = task.sample(999, 400);
    TinyMlp older = null;
    for (int r = 0; r < 3; r++) {
      if (r == 2) {
        older = m.copy();
      }
      m.train(pre, TinyMlp.LAYER0, 2, 0.1, 16, r);
      m.train(pre, TinyMlp.LAYER1, 2, 0.1, 16, r + 100);
    }
    previousBase = older;
    base = m;
    for (String layer : new String[] {TinyMlp.LAYER0, TinyMlp.LAYER1}) {
      baseHashes.put(layer, writeCheckpoint(base.layerWeights(layer), "base-" + layer).hex());
      start.putBaseCheckpoints(layer, ByteString.copyFrom(java.util.HexFormat.of().parseHex(baseHashes.get(layer))));
    }
    previousBaseHash = writeCheckpoint(previousBase.layerWeights(TinyMlp.LAYER1), "previous-base").hex();
  }

  private ContentHash writeCheckpoint(SortedMap<String, DenseTensor> tensors, String name) {
    try {
      return CheckpointFiles.write(dir.resolve(name + ".safetensors"), tensors, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 20-byte trainer address derived from a name. */
  public static byte[] address(String trainer) {
    byte[] h = ContentHash.sha256(trainer.getBytes(java.nio.charset.StandardCharsets.UTF_8)).bytes();
    return java.util.Arrays.copyOf(h, 20);
  }

  /** Assigns a dense (FULL) layer-1 task on a shard. */
  public TinyRound assignFull(String trainer, int shard) {
    start.addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(address(trainer)))
        .setFirstLayer(1).setLastLayer(1).setMode(TrainingMode.FULL).addTargetModules("down_proj").setShardIndex(shard)
        .setPrecision("fp32"));
    return this;
  }

  /** Assigns a LoRA layer-0 task on a shard. */
  public TinyRound assignLora(String trainer, int shard) {
    start.addAssignments(Assignment.newBuilder().setTrainerAddress(ByteString.copyFrom(address(trainer)))
        .setFirstLayer(0).setLastLayer(0).setMode(TrainingMode.LORA).setLoraRank(LORA_RANK).addTargetModules("up_proj")
        .setShardIndex(shard).setPrecision("fp32"));
    return this;
  }

  /** The plan as on chain. */
  public RoundPlan plan() {
    return RoundPlan.from(start.build());
  }

  /** Validator thresholds for this task (losses in micro-nats). */
  public static ValidatorPolicy policy() {
    return new ValidatorPolicy(new TreeSet<>(java.util.Set.of("fp32")), 1 << 20,
        2_000, 25_000, 40_000, 1024, 0, 6_000, 5, 800_000, 100_000, 700_000);
  }

  /** An honest dense delta: SGD on the shard from the base. */
  public LayerDelta trainHonest(int shard, long shuffleSeed) {
    TinyMlp m = base.copy();
    m.train(task.shard(shard), TinyMlp.LAYER1, EPOCHS, LR, BATCH, shuffleSeed);
    return base.deltaTo(m, TinyMlp.LAYER1);
  }

  /** Check context for the layer of a delta. */
  public CheckContext context(String layer, long randomSeed) {
    return new CheckContext(plan(), policy(), TinyMlp::layout, base.layerWeights(layer), new TinyMlpEvaluator(base, task),
        state, randomSeed);
  }

  /** Writes a dense delta as a core delta file, builds its SubmitDelta and reads it back as a validator would. */
  public DeltaUnderReview submitDense(String trainer, int shard, LayerDelta delta, String baseHash) {
    Path file = dir.resolve("delta-" + (++submissions) + ".safetensors");
    SortedMap<String, FloatTensor> tensors = new TreeMap<>();
    java.util.List<String> modules = new java.util.ArrayList<>();
    delta.tensors().forEach((name, t) -> {
      tensors.put(name, new FloatTensor(longs(t.shape()), t.values()));
      modules.add(name.substring(0, name.length() - ".weight".length()));
    });
    DeltaMetadata meta = DeltaMetadata.builder().setKind(DeltaKind.DENSE).setLayer(delta.layer()).setModules(modules)
        .setBaseHash(ContentHash.parse(baseHash)).setRoundId(1).setTrainerId(trainer).build();
    return writeAndReview(trainer, shard, TrainingMode.FULL, 0, delta.layer(), baseHash, file, DeltaFile.of(meta, tensors));
  }

  /** Writes a LoRA delta as a core delta file (PEFT's lora_A / lora_B names), submits and reads it back. */
  public DeltaUnderReview submitLora(String trainer, int shard, LoraFactors f, int claimedRank) {
    Path file = dir.resolve("delta-" + (++submissions) + ".safetensors");
    String module = TinyMlp.W0.substring(0, TinyMlp.W0.length() - ".weight".length());
    SortedMap<String, FloatTensor> t = new TreeMap<>();
    t.put(module + DeltaFile.LORA_A_SUFFIX, new FloatTensor(longs(f.loraA().shape()), f.loraA().values()));
    t.put(module + DeltaFile.LORA_B_SUFFIX, new FloatTensor(longs(f.loraB().shape()), f.loraB().values()));
    DeltaMetadata meta = DeltaMetadata.builder().setKind(DeltaKind.LORA).setLayer(TinyMlp.LAYER0).setModules(java.util.List.of(module))
        .setBaseHash(ContentHash.parse(baseHashes.get(TinyMlp.LAYER0))).setRoundId(1).setTrainerId(trainer)
        .setLora(f.rank(), f.alpha(), java.util.List.of("up_proj")).build();
    return writeAndReview(trainer, shard, TrainingMode.LORA, claimedRank, TinyMlp.LAYER0, baseHashes.get(TinyMlp.LAYER0), file,
        DeltaFile.of(meta, t));
  }

  private static long[] longs(int[] shape) {
    long[] out = new long[shape.length];
    for (int d = 0; d < shape.length; d++) {
      out[d] = shape[d];
    }
    return out;
  }

  private DeltaUnderReview writeAndReview(String trainer, int shard, TrainingMode mode, int rank, String layer, String baseHash,
      Path file, DeltaFile delta) {
    try {
      delta.write(file);
      long size = Files.size(file);
      SubmitDelta tx = SubmitDelta.newBuilder().setRoundId("round-1").setLayer(layer)
          .setBaseHash(ByteString.copyFrom(java.util.HexFormat.of().parseHex(baseHash)))
          .setContentHash(ByteString.copyFrom(ContentHash.sha256(file).bytes())).setSizeBytes(size).setMode(mode)
          .setLoraRank(rank).setTokens(TinyTask.SHARD_SIZE * EPOCHS).setShardIndex(shard).build();
      byte[] deltaId = ContentHash.sha256(tx.toByteArray()).bytes();
      return DeltaUnderReview.of(deltaId, address(trainer), tx, DeltaFile.read(file), size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
