package io.deltachain.validator.verdict;

import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.validator.delta.DenseTensor;
import io.deltachain.validator.delta.LayerDelta;
import io.deltachain.validator.delta.LoraFactors;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A committed delta being judged: its on-chain metadata, the facts about the fetched file, and
 * the tensors. The dense view (LoRA mapped to {@code (alpha / r) * B * A}) is computed once, on
 * first use, after the numeric check has ruled out non-finite factors.
 */
public final class DeltaUnderReview {
  private static final HexFormat HEX = HexFormat.of();

  private final String deltaId;
  private final String trainer;
  private final String roundId;
  private final String layer;
  private final String baseHash;
  private final TrainingMode mode;
  private final int loraRank;
  private final int shardIndex;
  private final long tokens;
  private final String encoding;
  private final long declaredBytes;
  private final long fileBytes;
  private final DeltaPayload payload;
  private LayerDelta dense;

  private DeltaUnderReview(String deltaId, String trainer, SubmitDelta tx, String encoding, long fileBytes, DeltaPayload payload) {
    this.deltaId = deltaId;
    this.trainer = trainer;
    this.roundId = tx.getRoundId();
    this.layer = tx.getLayer();
    this.baseHash = HEX.formatHex(tx.getBaseHash().toByteArray());
    this.mode = tx.getMode();
    this.loraRank = tx.getLoraRank();
    this.shardIndex = tx.getShardIndex();
    this.tokens = tx.getTokens();
    this.encoding = encoding;
    this.declaredBytes = tx.getSizeBytes();
    this.fileBytes = fileBytes;
    this.payload = payload;
  }

  /**
   * @param deltaId SHA-256 of the SubmitDelta transaction (32 bytes)
   * @param trainerAddress the signer's 20-byte address
   * @param tx the committed SubmitDelta body
   * @param encoding the fetched file's encoding, e.g. {@code safetensors-f32}
   * @param fileBytes the fetched file's size
   * @param payload the fetched tensors
   */
  public static DeltaUnderReview of(byte[] deltaId, byte[] trainerAddress, SubmitDelta tx, String encoding,
      long fileBytes, DeltaPayload payload) {
    return new DeltaUnderReview(HEX.formatHex(deltaId), HEX.formatHex(trainerAddress), tx, encoding, fileBytes, payload);
  }

  /**
   * A delta read from a core {@link io.deltachain.core.delta.DeltaFile}: dense and sparse files
   * become a dense payload, LoRA files factor pairs; the encoding is the file's value encoding
   * ({@code fp32}, {@code bf16}, {@code nf4}, ...).
   */
  public static DeltaUnderReview of(byte[] deltaId, byte[] trainerAddress, SubmitDelta tx,
      io.deltachain.core.delta.DeltaFile file, long fileBytes) {
    DeltaPayload payload = file.metadata().kind() == io.deltachain.core.delta.DeltaKind.LORA
        ? new DeltaPayload.Lora(io.deltachain.validator.delta.DeltaFiles.loraFactors(file))
        : new DeltaPayload.Dense(io.deltachain.validator.delta.DeltaFiles.denseTensors(file));
    return of(deltaId, trainerAddress, tx, file.metadata().encoding().wireName(), fileBytes, payload);
  }

  /** Delta id, lowercase hex. */
  public String deltaId() {
    return deltaId;
  }

  /** Trainer address, lowercase hex. */
  public String trainer() {
    return trainer;
  }

  /** Round id from the transaction. */
  public String roundId() {
    return roundId;
  }

  /** Layer module path from the transaction. */
  public String layer() {
    return layer;
  }

  /** Claimed base checkpoint hash, lowercase hex. */
  public String baseHash() {
    return baseHash;
  }

  /** Claimed training mode. */
  public TrainingMode mode() {
    return mode;
  }

  /** Claimed LoRA rank. */
  public int loraRank() {
    return loraRank;
  }

  /** Claimed shard. */
  public int shardIndex() {
    return shardIndex;
  }

  /** Claimed tokens (verified tokens are what the ledger credits after acceptance). */
  public long tokens() {
    return tokens;
  }

  /** Encoding of the fetched file. */
  public String encoding() {
    return encoding;
  }

  /** Size declared in the transaction. */
  public long declaredBytes() {
    return declaredBytes;
  }

  /** Size of the fetched file. */
  public long fileBytes() {
    return fileBytes;
  }

  /** The tensors as trained. */
  public DeltaPayload payload() {
    return payload;
  }

  /** Every raw value array with its name (LoRA: {@code name.lora_A}/{@code name.lora_B}), sorted. */
  public SortedMap<String, float[]> rawArrays() {
    SortedMap<String, float[]> out = new TreeMap<>();
    if (payload instanceof DeltaPayload.Dense d) {
      d.tensors().forEach((k, v) -> out.put(k, v.values()));
    } else if (payload instanceof DeltaPayload.Lora l) {
      l.factors().forEach((k, v) -> {
        out.put(k + "#lora_A", v.loraA().values());
        out.put(k + "#lora_B", v.loraB().values());
      });
    }
    return out;
  }

  /** The dense delta W of the layer (LoRA mapped with alpha / r), computed once. */
  public synchronized LayerDelta dense() {
    if (dense == null) {
      SortedMap<String, DenseTensor> t = new TreeMap<>();
      if (payload instanceof DeltaPayload.Dense d) {
        t.putAll(d.tensors());
      } else if (payload instanceof DeltaPayload.Lora l) {
        for (Map.Entry<String, LoraFactors> e : l.factors().entrySet()) {
          t.put(e.getKey(), e.getValue().toDense());
        }
      }
      dense = new LayerDelta(layer, t);
    }
    return dense;
  }

  @Override
  public String toString() {
    return "delta " + deltaId.substring(0, Math.min(12, deltaId.length())) + " by " + trainer + " for " + layer;
  }
}
