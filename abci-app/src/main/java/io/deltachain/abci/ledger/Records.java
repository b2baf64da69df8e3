package io.deltachain.abci.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's stored records and their {@link Canon} layouts. Each layout starts with a
 * format version; a reader rejects versions it does not know. Records are mutable only while a
 * transaction updates them and are written back with {@code encode()}.
 */
final class Records {
  private Records() {}

  /** Lifecycle of a submitted delta. */
  enum DeltaStatus { PENDING, ACCEPTED, REJECTED, EXPIRED }

  /** Lifecycle of a round. */
  enum RoundStatus { OPEN, FINALIZED }

  /** Lifecycle of a proposed checkpoint. */
  enum CheckpointStatus { PROPOSED, ACCEPTED }

  /** A registered node ({@code node/<address>}). */
  static final class NodeRecord {
    byte[] pubKey;
    int role; // io.deltachain.core.tx.proto.NodeRole number
    String moniker = "";
    String device = "";
    long memoryBytes;
    long tokensPerSecondMilli;
    long bandwidthBytesPerSecond;
    String gpuClass = "";
    long reputation;
    long registeredHeight;
    long acceptedDeltas;
    long rejectedDeltas;
    long expiredDeltas;

    byte[] encode() {
      return new Canon.Writer(1).bytes(pubKey).i32(role).str(moniker).str(device).i64(memoryBytes)
          .i64(tokensPerSecondMilli).i64(bandwidthBytesPerSecond).str(gpuClass).i64(reputation)
          .i64(registeredHeight).i64(acceptedDeltas).i64(rejectedDeltas).i64(expiredDeltas).toBytes();
    }

    static NodeRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "node", 1);
      NodeRecord n = new NodeRecord();
      n.pubKey = r.bytes();
      n.role = r.i32();
      n.moniker = r.str();
      n.device = r.str();
      n.memoryBytes = r.i64();
      n.tokensPerSecondMilli = r.i64();
      n.bandwidthBytesPerSecond = r.i64();
      n.gpuClass = r.str();
      n.reputation = r.i64();
      n.registeredHeight = r.i64();
      n.acceptedDeltas = r.i64();
      n.rejectedDeltas = r.i64();
      n.expiredDeltas = r.i64();
      return n;
    }
  }

  /** A member of the validator set ({@code val/<address>}). */
  static final class ValidatorRecord {
    byte[] pubKey;
    long power;

    ValidatorRecord(byte[] pubKey, long power) {
      this.pubKey = pubKey;
      this.power = power;
    }

    byte[] encode() {
      return new Canon.Writer(1).bytes(pubKey).i64(power).toBytes();
    }

    static ValidatorRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "validator", 1);
      return new ValidatorRecord(r.bytes(), r.i64());
    }
  }

  /** A training round ({@code round/<id>}). */
  static final class RoundRecord {
    String roundId;
    String modelId = "";
    byte[] coordinator;
    byte[] planHash;
    long evalSeed;
    byte[] evalSetHash;
    byte[] datasetHash;
    int shardCount;
    long trainingBlocks;
    long validationBlocks;
    int aggregation;
    int byzantineF;
    int maxNormRatioPpm;
    long startHeight;
    long trainingDeadline;
    RoundStatus status = RoundStatus.OPEN;
    long finalizedHeight;
    /** Hex addresses of assigned trainers, sorted and distinct; empty means open to every trainer. */
    List<String> assignedTrainers = new ArrayList<>();
    /** Layer name to base checkpoint hash, sorted. */
    TreeMap<String, byte[]> baseCheckpoints = new TreeMap<>();
    /** The StartRound body exactly as signed (assignments and all), for queries. */
    byte[] startRoundBody;
    long deltaCount;

    byte[] encode() {
      Canon.Writer w = new Canon.Writer(1).str(roundId).str(modelId).bytes(coordinator).bytes(planHash)
          .i64(evalSeed).bytes(evalSetHash).bytes(datasetHash).i32(shardCount).i64(trainingBlocks)
          .i64(validationBlocks).i32(aggregation).i32(byzantineF).i32(maxNormRatioPpm).i64(startHeight)
          .i64(trainingDeadline).u8(status.ordinal()).i64(finalizedHeight).strings(assignedTrainers);
      w.i32(baseCheckpoints.size());
      for (Map.Entry<String, byte[]> e : baseCheckpoints.entrySet()) {
        w.str(e.getKey()).bytes(e.getValue());
      }
      return w.bytes(startRoundBody).i64(deltaCount).toBytes();
    }

    static RoundRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "round", 1);
      RoundRecord x = new RoundRecord();
      x.roundId = r.str();
      x.modelId = r.str();
      x.coordinator = r.bytes();
      x.planHash = r.bytes();
      x.evalSeed = r.i64();
      x.evalSetHash = r.bytes();
      x.datasetHash = r.bytes();
      x.shardCount = r.i32();
      x.trainingBlocks = r.i64();
      x.validationBlocks = r.i64();
      x.aggregation = r.i32();
      x.byzantineF = r.i32();
      x.maxNormRatioPpm = r.i32();
      x.startHeight = r.i64();
      x.trainingDeadline = r.i64();
      x.status = RoundStatus.values()[r.u8()];
      x.finalizedHeight = r.i64();
      x.assignedTrainers = r.strings();
      int n = r.i32();
      for (int i = 0; i < n; i++) {
        x.baseCheckpoints.put(r.str(), r.bytes());
      }
      x.startRoundBody = r.bytes();
      x.deltaCount = r.i64();
      return x;
    }
  }

  /** A submitted delta ({@code delta/<id>}); the id is the SHA-256 of its transaction. */
  static final class DeltaRecord {
    byte[] id;
    String roundId;
    byte[] trainer;
    String layer;
    byte[] baseHash;
    byte[] contentHash;
    String cid = "";
    boolean inline;
    long sizeBytes;
    int mode;
    int loraRank;
    long tokens;
    long lossBeforeMicro;
    long lossAfterMicro;
    int shardIndex;
    byte[] replayCommitment;
    long submittedHeight;
    long deadlineHeight;
    DeltaStatus status = DeltaStatus.PENDING;
    long approvePower;
    long rejectPower;
    int verdictCount;
    long decidedHeight;

    byte[] encode() {
      return new Canon.Writer(1).bytes(id).str(roundId).bytes(trainer).str(layer).bytes(baseHash)
          .bytes(contentHash).str(cid).bool(inline).i64(sizeBytes).i32(mode).i32(loraRank).i64(tokens)
          .i64(lossBeforeMicro).i64(lossAfterMicro).i32(shardIndex).bytes(replayCommitment)
          .i64(submittedHeight).i64(deadlineHeight).u8(status.ordinal()).i64(approvePower).i64(rejectPower)
          .i32(verdictCount).i64(decidedHeight).toBytes();
    }

    static DeltaRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "delta", 1);
      DeltaRecord d = new DeltaRecord();
      d.id = r.bytes();
      d.roundId = r.str();
      d.trainer = r.bytes();
      d.layer = r.str();
      d.baseHash = r.bytes();
      d.contentHash = r.bytes();
      d.cid = r.str();
      d.inline = r.bool();
      d.sizeBytes = r.i64();
      d.mode = r.i32();
      d.loraRank = r.i32();
      d.tokens = r.i64();
      d.lossBeforeMicro = r.i64();
      d.lossAfterMicro = r.i64();
      d.shardIndex = r.i32();
      d.replayCommitment = r.bytes();
      d.submittedHeight = r.i64();
      d.deadlineHeight = r.i64();
      d.status = DeltaStatus.values()[r.u8()];
      d.approvePower = r.i64();
      d.rejectPower = r.i64();
      d.verdictCount = r.i32();
      d.decidedHeight = r.i64();
      return d;
    }
  }

  /** One validator's verdict on one delta ({@code verdict/<delta>/<validator>}). */
  static final class VerdictRecord {
    boolean approve;
    long scoreMicro;
    List<String> reasonCodes = new ArrayList<>();
    long power;
    long height;

    byte[] encode() {
      return new Canon.Writer(1).bool(approve).i64(scoreMicro).strings(reasonCodes).i64(power).i64(height).toBytes();
    }

    static VerdictRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "verdict", 1);
      VerdictRecord v = new VerdictRecord();
      v.approve = r.bool();
      v.scoreMicro = r.i64();
      v.reasonCodes = r.strings();
      v.power = r.i64();
      v.height = r.i64();
      return v;
    }
  }

  /** A proposed or accepted checkpoint ({@code ckpt/<hash>}): one node of a layer's lineage. */
  static final class CheckpointRecord {
    byte[] hash;
    String layer;
    String roundId;
    byte[] parent;
    String cid = "";
    int method;
    List<byte[]> contributingDeltas = new ArrayList<>();
    byte[] proposer;
    long proposedHeight;
    CheckpointStatus status = CheckpointStatus.PROPOSED;
    long approvePower;
    long acceptedHeight;

    byte[] encode() {
      return new Canon.Writer(1).bytes(hash).str(layer).str(roundId).bytes(parent).str(cid).i32(method)
          .byteList(contributingDeltas).bytes(proposer).i64(proposedHeight).u8(status.ordinal())
          .i64(approvePower).i64(acceptedHeight).toBytes();
    }

    static CheckpointRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "checkpoint", 1);
      CheckpointRecord c = new CheckpointRecord();
      c.hash = r.bytes();
      c.layer = r.str();
      c.roundId = r.str();
      c.parent = r.bytes();
      c.cid = r.str();
      c.method = r.i32();
      c.contributingDeltas = r.byteList();
      c.proposer = r.bytes();
      c.proposedHeight = r.i64();
      c.status = CheckpointStatus.values()[r.u8()];
      c.approvePower = r.i64();
      c.acceptedHeight = r.i64();
      return c;
    }
  }

  /** A dispute against a delta ({@code dispute/<delta>/<signer>}); recorded, not adjudicated. */
  static final class DisputeRecord {
    String layer = "";
    long segmentStartStep;
    long segmentEndStep;
    byte[] expectedStateHash;
    byte[] observedStateHash;
    String reason = "";
    long height;

    byte[] encode() {
      return new Canon.Writer(1).str(layer).i64(segmentStartStep).i64(segmentEndStep).bytes(expectedStateHash)
          .bytes(observedStateHash).str(reason).i64(height).toBytes();
    }

    static DisputeRecord decode(byte[] b) {
      Canon.Reader r = new Canon.Reader(b, "dispute", 1);
      DisputeRecord d = new DisputeRecord();
      d.layer = r.str();
      d.segmentStartStep = r.i64();
      d.segmentEndStep = r.i64();
      d.expectedStateHash = r.bytes();
      d.observedStateHash = r.bytes();
      d.reason = r.str();
      d.height = r.i64();
      return d;
    }
  }
}
