package io.deltachain.round.testing;

import com.google.protobuf.ByteString;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import java.util.HexFormat;

/** Builders for transactions in tests. */
public final class Txs {
  private Txs() {}

  /** A 20-byte address in hex made from a small number. */
  public static String address(int n) {
    return String.format("%040x", n);
  }

  /** A trainer's registration. */
  public static RegisterNode trainer(String moniker, long memoryBytes, double tokensPerSecond, String gpuClass) {
    return RegisterNode.newBuilder()
        .setRole(NodeRole.TRAINER)
        .setMoniker(moniker)
        .setCapabilities(Capabilities.newBuilder()
            .setDevice("cuda:test").setMemoryBytes(memoryBytes)
            .setTokensPerSecondMilli((long) (tokensPerSecond * 1000)).setGpuClass(gpuClass))
        .build();
  }

  /** An assignment of layers {@code first..last} on a shard. */
  public static Assignment assignment(String trainer, int first, int last, int shard) {
    return Assignment.newBuilder()
        .setTrainerAddress(ByteString.copyFrom(HexFormat.of().parseHex(trainer)))
        .setFirstLayer(first).setLastLayer(last).setMode(TrainingMode.LORA).setLoraRank(8)
        .setShardIndex(shard).setPrecision("bf16")
        .build();
  }

  /** A StartRound. */
  public static StartRound start(String roundId, int trainingBlocks, int validationBlocks, Assignment... as) {
    StartRound.Builder b = StartRound.newBuilder()
        .setRoundId(roundId).setModelId("tiny-1m")
        .setDatasetHash(ByteString.copyFrom(new byte[32]))
        .setShardCount(2).setTrainingBlocks(trainingBlocks).setValidationBlocks(validationBlocks)
        .setAggregation(AggregationMethod.TRIMMED_MEAN);
    for (Assignment a : as) {
      b.addAssignments(a);
    }
    return b.build();
  }

  /** A delta for one layer. */
  public static SubmitDelta delta(String roundId, int layer, int shard, int salt) {
    byte[] content = new byte[32];
    content[0] = (byte) layer;
    content[1] = (byte) shard;
    content[2] = (byte) salt;
    return SubmitDelta.newBuilder()
        .setRoundId(roundId).setLayer("model.layers." + layer)
        .setBaseHash(ByteString.copyFrom(new byte[32])).setContentHash(ByteString.copyFrom(content))
        .setSizeBytes(1000 + layer).setTokens(4096).setMode(TrainingMode.LORA).setLoraRank(8)
        .setLossBeforeMicro(3_000_000).setLossAfterMicro(2_900_000).setShardIndex(shard)
        .build();
  }
}
