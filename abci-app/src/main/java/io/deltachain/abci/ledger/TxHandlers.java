package io.deltachain.abci.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.deltachain.abci.ledger.Records.CheckpointRecord;
import io.deltachain.abci.ledger.Records.CheckpointStatus;
import io.deltachain.abci.ledger.Records.DeltaRecord;
import io.deltachain.abci.ledger.Records.DeltaStatus;
import io.deltachain.abci.ledger.Records.DisputeRecord;
import io.deltachain.abci.ledger.Records.NodeRecord;
import io.deltachain.abci.ledger.Records.RoundRecord;
import io.deltachain.abci.ledger.Records.RoundStatus;
import io.deltachain.abci.ledger.Records.VerdictRecord;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.CheckpointVote;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.Rollback;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The stateful rules and the state transition of each body type. {@code validate} reads the
 * ledger and decides whether the transaction may apply (CheckTx runs it against committed
 * state, FinalizeBlock against the block's staged state); {@code apply} then performs it and
 * must not fail for a transaction that validated.
 */
final class TxHandlers {
  private TxHandlers() {}

  /** The rules and transition of one body type. */
  interface Handler<B extends Message> {
    ValidationResult validate(Ledger l, ParsedTx tx, B body, BlockInfo block);

    void apply(Ledger l, ParsedTx tx, B body, BlockInfo block, TxEffects fx);
  }

  private static final Map<BodyType, Handler<? extends Message>> HANDLERS = new EnumMap<>(BodyType.class);

  static {
    HANDLERS.put(BodyType.REGISTER_NODE, new RegisterNodeHandler());
    HANDLERS.put(BodyType.START_ROUND, new StartRoundHandler());
    HANDLERS.put(BodyType.SUBMIT_DELTA, new SubmitDeltaHandler());
    HANDLERS.put(BodyType.VERDICT_BATCH, new VerdictBatchHandler());
    HANDLERS.put(BodyType.PROPOSE_CHECKPOINT, new ProposeCheckpointHandler());
    HANDLERS.put(BodyType.CHECKPOINT_VOTE, new CheckpointVoteHandler());
    HANDLERS.put(BodyType.FINALIZE_ROUND, new FinalizeRoundHandler());
    HANDLERS.put(BodyType.ROLLBACK, new RollbackHandler());
    HANDLERS.put(BodyType.DISPUTE, new DisputeHandler());
  }

  /** Nonce first, then the body's own rules. */
  static ValidationResult validate(Ledger l, ParsedTx tx, BlockInfo block) {
    long last = l.nonce(tx.signer());
    long nonce = tx.envelope().getNonce();
    if (Long.compareUnsigned(nonce, last) <= 0) {
      return ValidationResult.fail(TxCode.NONCE_REPLAYED, "nonce " + Long.toUnsignedString(nonce)
          + " is not above the last nonce " + Long.toUnsignedString(last) + " of signer " + Keys.addr(tx.signer()));
    }
    return handler(tx).validate(l, tx, tx.body(), block);
  }

  /** Applies a validated transaction. */
  static void apply(Ledger l, ParsedTx tx, BlockInfo block, TxEffects fx) {
    handler(tx).apply(l, tx, tx.body(), block, fx);
  }

  @SuppressWarnings("unchecked")
  private static Handler<Message> handler(ParsedTx tx) {
    Handler<? extends Message> h = HANDLERS.get(tx.envelope().getBodyType());
    if (h == null) {
      throw new IllegalStateException("no handler for " + tx.envelope().getBodyType());
    }
    return (Handler<Message>) h;
  }

  private static ValidationResult fail(TxCode code, String log) {
    return ValidationResult.fail(code, log);
  }

  private static ValidationResult requireValidator(Ledger l, ParsedTx tx) {
    return l.power(tx.signer()) > 0
        ? ValidationResult.OK
        : fail(TxCode.NOT_VALIDATOR, "signer " + Keys.addr(tx.signer()) + " is not in the validator set");
  }

  private static byte[] bytesOrNull(ByteString b) {
    return b.isEmpty() ? null : b.toByteArray();
  }

  // ---------------------------------------------------------------- RegisterNode

  /**
   * Any key may register as TRAINER; COORDINATOR needs the genesis coordinator list (or open
   * registration); VALIDATOR needs the key to be a validator already or on the genesis
   * validator allowlist, and power above the current power needs the allowlist.
   */
  static final class RegisterNodeHandler implements Handler<RegisterNode> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, RegisterNode b, BlockInfo block) {
      NodeRecord existing = l.node(tx.signer());
      if (existing != null && existing.role != b.getRoleValue()) {
        return fail(TxCode.NOT_PERMITTED, "node " + Keys.addr(tx.signer()) + " is registered as "
            + NodeRole.forNumber(existing.role) + " and cannot change role to " + b.getRole());
      }
      switch (b.getRole()) {
        case COORDINATOR -> {
          if (!l.coordinatorAllowed(tx.signer())) {
            return fail(TxCode.NOT_PERMITTED, "signer " + Keys.addr(tx.signer())
                + " is not a genesis coordinator and coordinator registration is closed");
          }
        }
        case VALIDATOR -> {
          long current = l.power(tx.signer());
          long allowance = l.validatorAllowance(tx.signer());
          if (current == 0 && allowance == 0) {
            return fail(TxCode.NOT_PERMITTED, "signer " + Keys.addr(tx.signer())
                + " is neither a validator nor on the genesis validator allowlist");
          }
          if (b.getVotingPower() > Math.max(current, allowance)) {
            return fail(TxCode.NOT_PERMITTED, "signer " + Keys.addr(tx.signer()) + " may request at most power "
                + Math.max(current, allowance) + ", asked for " + b.getVotingPower());
          }
        }
        default -> {
          // TRAINER: open registration.
        }
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, RegisterNode b, BlockInfo block, TxEffects fx) {
      NodeRecord n = l.node(tx.signer());
      if (n == null) {
        n = new NodeRecord();
        n.reputation = l.params().initialReputation();
        n.registeredHeight = block.height();
      }
      n.pubKey = tx.signerPubKey();
      n.role = b.getRoleValue();
      n.moniker = b.getMoniker();
      n.device = b.getCapabilities().getDevice();
      n.memoryBytes = b.getCapabilities().getMemoryBytes();
      n.tokensPerSecondMilli = b.getCapabilities().getTokensPerSecondMilli();
      n.bandwidthBytesPerSecond = b.getCapabilities().getBandwidthBytesPerSecond();
      n.gpuClass = b.getCapabilities().getGpuClass();
      l.putNode(tx.signer(), n);
      fx.event("node", "address", Keys.addr(tx.signer()), "role", b.getRole().name());
      if (b.getRole() == NodeRole.VALIDATOR && b.getVotingPower() > 0 && b.getVotingPower() != l.power(tx.signer())) {
        l.setValidatorPower(tx.signerPubKey(), b.getVotingPower());
        fx.event("validator", "address", Keys.addr(tx.signer()), "power", Long.toString(b.getVotingPower()));
      }
    }
  }

  // ---------------------------------------------------------------- StartRound

  /** Only a registered COORDINATOR starts a round; round ids are unique forever. */
  static final class StartRoundHandler implements Handler<StartRound> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, StartRound b, BlockInfo block) {
      NodeRecord n = l.node(tx.signer());
      if (n == null) {
        return fail(TxCode.NOT_REGISTERED, "signer " + Keys.addr(tx.signer()) + " has not registered a node");
      }
      if (n.role != NodeRole.COORDINATOR_VALUE) {
        return fail(TxCode.NOT_PERMITTED, "only a COORDINATOR starts rounds; signer is " + NodeRole.forNumber(n.role));
      }
      if (l.round(b.getRoundId()) != null) {
        return fail(TxCode.DUPLICATE, "round '" + b.getRoundId() + "' already exists");
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, StartRound b, BlockInfo block, TxEffects fx) {
      RoundRecord r = new RoundRecord();
      r.roundId = b.getRoundId();
      r.modelId = b.getModelId();
      r.coordinator = tx.signer();
      r.planHash = b.getPlanHash().toByteArray();
      r.evalSeed = b.getEvalSeed();
      r.evalSetHash = b.getEvalSetHash().toByteArray();
      r.datasetHash = b.getDatasetHash().toByteArray();
      r.shardCount = b.getShardCount();
      r.trainingBlocks = b.getTrainingBlocks();
      r.validationBlocks = b.getValidationBlocks();
      r.aggregation = b.getAggregationValue();
      r.byzantineF = b.getByzantineF();
      r.maxNormRatioPpm = b.getMaxNormRatioPpm();
      r.startHeight = block.height();
      r.trainingDeadline = Math.addExact(block.height(), b.getTrainingBlocks());
      TreeSet<String> trainers = new TreeSet<>();
      for (Assignment a : b.getAssignmentsList()) {
        trainers.add(Keys.addr(a.getTrainerAddress().toByteArray()));
      }
      r.assignedTrainers.addAll(trainers);
      b.getBaseCheckpointsMap().forEach((layer, hash) -> r.baseCheckpoints.put(layer, hash.toByteArray()));
      r.startRoundBody = tx.envelope().getBody().toByteArray();
      l.putRound(r);
      fx.event("round", "id", r.roundId, "status", r.status.name(), "coordinator", Keys.addr(tx.signer()),
          "training_deadline", Long.toString(r.trainingDeadline));
    }
  }

  // ---------------------------------------------------------------- SubmitDelta

  /** A registered TRAINER (assigned, when the round lists assignments) submits during the training window. */
  static final class SubmitDeltaHandler implements Handler<SubmitDelta> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, SubmitDelta b, BlockInfo block) {
      NodeRecord n = l.node(tx.signer());
      if (n == null) {
        return fail(TxCode.NOT_REGISTERED, "signer " + Keys.addr(tx.signer()) + " has not registered a node");
      }
      if (n.role != NodeRole.TRAINER_VALUE) {
        return fail(TxCode.NOT_PERMITTED, "only a TRAINER submits deltas; signer is " + NodeRole.forNumber(n.role));
      }
      RoundRecord r = l.round(b.getRoundId());
      if (r == null) {
        return fail(TxCode.UNKNOWN_ROUND, "no round '" + b.getRoundId() + "'");
      }
      if (r.status != RoundStatus.OPEN) {
        return fail(TxCode.ROUND_CLOSED, "round '" + r.roundId + "' is " + r.status);
      }
      if (block.height() > r.trainingDeadline) {
        return fail(TxCode.ROUND_CLOSED, "round '" + r.roundId + "' stopped taking deltas after height " + r.trainingDeadline);
      }
      if (!r.assignedTrainers.isEmpty() && !r.assignedTrainers.contains(Keys.addr(tx.signer()))) {
        return fail(TxCode.NOT_PERMITTED, "trainer " + Keys.addr(tx.signer()) + " has no assignment in round '" + r.roundId + "'");
      }
      byte[] expected = l.expectedBase(b.getLayer(), r);
      if (expected != null && !Arrays.equals(expected, b.getBaseHash().toByteArray())) {
        return fail(TxCode.STALE_PARENT, "base_hash of layer " + b.getLayer() + " must be " + Keys.hex(expected));
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, SubmitDelta b, BlockInfo block, TxEffects fx) {
      RoundRecord r = l.round(b.getRoundId());
      DeltaRecord d = new DeltaRecord();
      d.id = tx.hash();
      d.roundId = b.getRoundId();
      d.trainer = tx.signer();
      d.layer = b.getLayer();
      d.baseHash = b.getBaseHash().toByteArray();
      d.contentHash = b.getContentHash().toByteArray();
      d.cid = b.getCid();
      d.inline = !b.getInlineDelta().isEmpty();
      d.sizeBytes = b.getSizeBytes();
      d.mode = b.getModeValue();
      d.loraRank = b.getLoraRank();
      d.tokens = b.getTokens();
      d.lossBeforeMicro = b.getLossBeforeMicro();
      d.lossAfterMicro = b.getLossAfterMicro();
      d.shardIndex = b.getShardIndex();
      d.replayCommitment = b.getReplayCommitment().toByteArray();
      d.submittedHeight = block.height();
      d.deadlineHeight = Math.addExact(block.height(), r.validationBlocks);
      l.putDelta(d);
      l.kv.put(Keys.pending(d.deadlineHeight, d.id), new byte[] {1});
      l.kv.put(Keys.roundDelta(r.roundId, d.id), new byte[] {1});
      r.deltaCount++;
      l.putRound(r);
      fx.data = d.id;
      fx.event("delta", "id", Keys.hex(d.id), "round", d.roundId, "layer", d.layer, "trainer", Keys.addr(d.trainer),
          "status", d.status.name(), "deadline", Long.toString(d.deadlineHeight));
    }
  }

  // ---------------------------------------------------------------- VerdictBatch

  /**
   * A validator's verdicts, weighted by its voting power. A delta is ACCEPTED once more than
   * 2/3 of the total power approved it and REJECTED once at least 1/3 rejected it. Verdicts on
   * deltas already decided (or already judged by this validator) are skipped, so racing
   * batches never fail as a whole; a batch where nothing applies is refused.
   */
  static final class VerdictBatchHandler implements Handler<VerdictBatch> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, VerdictBatch b, BlockInfo block) {
      ValidationResult v = requireValidator(l, tx);
      if (!v.ok()) {
        return v;
      }
      int applicable = 0;
      int voted = 0;
      for (Verdict verdict : b.getVerdictsList()) {
        byte[] id = verdict.getDeltaId().toByteArray();
        DeltaRecord d = l.delta(id);
        if (d == null) {
          return fail(TxCode.UNKNOWN_DELTA, "no delta " + Keys.hex(id));
        }
        boolean hasVoted = l.kv.has(Keys.verdict(id, tx.signer()));
        if (hasVoted) {
          voted++;
        } else if (d.status == DeltaStatus.PENDING) {
          applicable++;
        }
      }
      if (applicable == 0) {
        return voted == b.getVerdictsCount()
            ? fail(TxCode.ALREADY_VOTED, "validator " + Keys.addr(tx.signer()) + " already judged every delta in the batch")
            : fail(TxCode.ALREADY_DECIDED, "every delta in the batch is already decided or judged");
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, VerdictBatch b, BlockInfo block, TxEffects fx) {
      long power = l.power(tx.signer());
      long total = l.totalPower();
      int counted = 0;
      int skipped = 0;
      for (Verdict verdict : b.getVerdictsList()) {
        byte[] id = verdict.getDeltaId().toByteArray();
        DeltaRecord d = l.delta(id);
        String vkey = Keys.verdict(id, tx.signer());
        if (d.status != DeltaStatus.PENDING || l.kv.has(vkey)) {
          skipped++;
          continue;
        }
        VerdictRecord v = new VerdictRecord();
        v.approve = verdict.getApprove();
        v.scoreMicro = Math.max(0, verdict.getScoreMicro());
        v.reasonCodes.addAll(verdict.getReasonCodesList());
        v.power = power;
        v.height = block.height();
        l.kv.put(vkey, v.encode());
        d.verdictCount++;
        if (v.approve) {
          d.approvePower = Math.addExact(d.approvePower, power);
        } else {
          d.rejectPower = Math.addExact(d.rejectPower, power);
        }
        counted++;
        if (Ledger.supermajority(d.approvePower, total)) {
          decide(l, d, DeltaStatus.ACCEPTED, block, fx.events);
        } else if (Ledger.blockingThird(d.rejectPower, total)) {
          decide(l, d, DeltaStatus.REJECTED, block, fx.events);
        } else {
          l.putDelta(d);
        }
      }
      fx.log = counted + " verdicts counted, " + skipped + " skipped";
      fx.event("verdict", "validator", Keys.addr(tx.signer()), "counted", Integer.toString(counted),
          "skipped", Integer.toString(skipped));
    }
  }

  /** Records a delta's outcome and settles reputations of its trainer and of the validators that judged it. */
  static void decide(Ledger l, DeltaRecord d, DeltaStatus outcome, BlockInfo block, java.util.List<io.deltachain.abci.proto.Event> events) {
    d.status = outcome;
    d.decidedHeight = block.height();
    l.putDelta(d);
    l.kv.delete(Keys.pending(d.deadlineHeight, d.id));
    LedgerParams p = l.params();
    NodeRecord trainer = l.node(d.trainer);
    if (trainer != null) {
      switch (outcome) {
        case ACCEPTED -> trainer.acceptedDeltas++;
        case REJECTED -> trainer.rejectedDeltas++;
        default -> trainer.expiredDeltas++;
      }
      l.putNode(d.trainer, trainer);
    }
    long change = switch (outcome) {
      case ACCEPTED -> p.rewardAccepted();
      case REJECTED -> -p.penaltyRejected();
      default -> -p.penaltyExpired();
    };
    l.adjustReputation(d.trainer, change);
    if (outcome != DeltaStatus.EXPIRED) {
      String prefix = "verdict/" + Keys.hex(d.id) + "/";
      for (Map.Entry<String, byte[]> e : l.kv.scan(prefix).entrySet()) {
        byte[] validator = Keys.HEX_UPPER.parseHex(e.getKey().substring(prefix.length()));
        boolean approved = VerdictRecord.decode(e.getValue()).approve;
        boolean agreed = approved == (outcome == DeltaStatus.ACCEPTED);
        l.adjustReputation(validator, agreed ? p.rewardAgreed() : -p.penaltyDisagreed());
      }
    }
    events.add(TxEffects.event0("delta", "id", Keys.hex(d.id), "round", d.roundId, "layer", d.layer,
        "trainer", Keys.addr(d.trainer), "status", outcome.name()));
  }

  // ---------------------------------------------------------------- checkpoints

  private static void acceptIfSupermajority(Ledger l, CheckpointRecord c, BlockInfo block, TxEffects fx) {
    if (Ledger.supermajority(c.approvePower, l.totalPower())) {
      c.status = CheckpointStatus.ACCEPTED;
      c.acceptedHeight = block.height();
      l.setHead(c.layer, c.hash);
    }
    l.putCheckpoint(c);
    fx.event("checkpoint", "hash", Keys.hex(c.hash), "layer", c.layer, "round", c.roundId,
        "parent", c.parent.length == 0 ? "" : Keys.hex(c.parent), "status", c.status.name());
  }

  private static ValidationResult checkParent(Ledger l, String layer, RoundRecord round, byte[] parent) {
    byte[] expected = l.expectedBase(layer, round);
    if (expected != null && !Arrays.equals(expected, parent)) {
      return fail(TxCode.STALE_PARENT, "parent of layer " + layer + " must be the current head " + Keys.hex(expected)
          + ", got " + (parent.length == 0 ? "none" : Keys.hex(parent)));
    }
    return ValidationResult.OK;
  }

  /**
   * A validator proposes the aggregate of accepted deltas of one round and layer, built on the
   * layer's head; the proposal counts as the proposer's vote.
   */
  static final class ProposeCheckpointHandler implements Handler<ProposeCheckpoint> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, ProposeCheckpoint b, BlockInfo block) {
      ValidationResult v = requireValidator(l, tx);
      if (!v.ok()) {
        return v;
      }
      RoundRecord r = l.round(b.getRoundId());
      if (r == null) {
        return fail(TxCode.UNKNOWN_ROUND, "no round '" + b.getRoundId() + "'");
      }
      byte[] hash = b.getCheckpointHash().toByteArray();
      if (l.checkpoint(hash) != null) {
        return fail(TxCode.DUPLICATE, "checkpoint " + Keys.hex(hash) + " was already proposed; vote for it instead");
      }
      if (l.kv.has(Keys.checkpointVote(r.roundId, b.getLayer(), tx.signer()))) {
        return fail(TxCode.ALREADY_VOTED, "validator " + Keys.addr(tx.signer()) + " already voted on layer "
            + b.getLayer() + " in round '" + r.roundId + "'");
      }
      ValidationResult p = checkParent(l, b.getLayer(), r, b.getParentHash().toByteArray());
      if (!p.ok()) {
        return p;
      }
      for (ByteString id : b.getContributingDeltasList()) {
        DeltaRecord d = l.delta(id.toByteArray());
        if (d == null || d.status != DeltaStatus.ACCEPTED || !d.roundId.equals(r.roundId) || !d.layer.equals(b.getLayer())) {
          return fail(TxCode.BAD_CONTRIBUTION, "delta " + Keys.hex(id.toByteArray()) + " is not an accepted delta of round '"
              + r.roundId + "' layer " + b.getLayer() + (d == null ? " (unknown)" : " (" + d.status + ", layer " + d.layer + ")"));
        }
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, ProposeCheckpoint b, BlockInfo block, TxEffects fx) {
      CheckpointRecord c = new CheckpointRecord();
      c.hash = b.getCheckpointHash().toByteArray();
      c.layer = b.getLayer();
      c.roundId = b.getRoundId();
      c.parent = b.getParentHash().toByteArray();
      c.cid = b.getCid();
      c.method = b.getMethodValue();
      for (ByteString id : b.getContributingDeltasList()) {
        c.contributingDeltas.add(id.toByteArray());
      }
      c.proposer = tx.signer();
      c.proposedHeight = block.height();
      c.approvePower = l.power(tx.signer());
      l.kv.put(Keys.checkpointVote(c.roundId, c.layer, tx.signer()), c.hash.clone());
      acceptIfSupermajority(l, c, block, fx);
    }
  }

  /** A validator's vote for a proposed checkpoint; one vote per validator per round and layer. */
  static final class CheckpointVoteHandler implements Handler<CheckpointVote> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, CheckpointVote b, BlockInfo block) {
      ValidationResult v = requireValidator(l, tx);
      if (!v.ok()) {
        return v;
      }
      CheckpointRecord c = l.checkpoint(b.getCheckpointHash().toByteArray());
      if (c == null || !c.roundId.equals(b.getRoundId()) || !c.layer.equals(b.getLayer())) {
        return fail(TxCode.UNKNOWN_CHECKPOINT, "no proposed checkpoint " + Keys.hex(b.getCheckpointHash().toByteArray())
            + " for round '" + b.getRoundId() + "' layer " + b.getLayer());
      }
      if (c.status == CheckpointStatus.ACCEPTED) {
        return fail(TxCode.ALREADY_DECIDED, "checkpoint " + Keys.hex(c.hash) + " is already accepted");
      }
      if (l.kv.has(Keys.checkpointVote(c.roundId, c.layer, tx.signer()))) {
        return fail(TxCode.ALREADY_VOTED, "validator " + Keys.addr(tx.signer()) + " already voted on layer "
            + c.layer + " in round '" + c.roundId + "'");
      }
      return checkParent(l, c.layer, l.round(c.roundId), c.parent);
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, CheckpointVote b, BlockInfo block, TxEffects fx) {
      CheckpointRecord c = l.checkpoint(b.getCheckpointHash().toByteArray());
      c.approvePower = Math.addExact(c.approvePower, l.power(tx.signer()));
      l.kv.put(Keys.checkpointVote(c.roundId, c.layer, tx.signer()), c.hash.clone());
      acceptIfSupermajority(l, c, block, fx);
    }
  }

  // ---------------------------------------------------------------- FinalizeRound, Rollback, Dispute

  /** The round's coordinator closes it. */
  static final class FinalizeRoundHandler implements Handler<FinalizeRound> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, FinalizeRound b, BlockInfo block) {
      RoundRecord r = l.round(b.getRoundId());
      if (r == null) {
        return fail(TxCode.UNKNOWN_ROUND, "no round '" + b.getRoundId() + "'");
      }
      if (r.status != RoundStatus.OPEN) {
        return fail(TxCode.ROUND_CLOSED, "round '" + r.roundId + "' is already " + r.status);
      }
      if (!Arrays.equals(r.coordinator, tx.signer())) {
        return fail(TxCode.NOT_PERMITTED, "only the round's coordinator " + Keys.addr(r.coordinator) + " finalizes it");
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, FinalizeRound b, BlockInfo block, TxEffects fx) {
      RoundRecord r = l.round(b.getRoundId());
      r.status = RoundStatus.FINALIZED;
      r.finalizedHeight = block.height();
      l.putRound(r);
      fx.event("round", "id", r.roundId, "status", r.status.name());
    }
  }

  /**
   * A validator's vote to move a layer's head back to an ancestor; the head moves once more
   * than 2/3 of the power voted for the same target. A later vote replaces the validator's
   * earlier one; any head change clears the layer's votes.
   */
  static final class RollbackHandler implements Handler<Rollback> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, Rollback b, BlockInfo block) {
      ValidationResult v = requireValidator(l, tx);
      if (!v.ok()) {
        return v;
      }
      byte[] head = l.head(b.getLayer());
      if (head == null) {
        return fail(TxCode.UNKNOWN_CHECKPOINT, "layer " + b.getLayer() + " has no head to roll back");
      }
      byte[] target = b.getTargetCheckpointHash().toByteArray();
      if (Arrays.equals(head, target) || !l.isAncestor(head, target)) {
        return fail(TxCode.NOT_ANCESTOR, Keys.hex(target) + " is not an ancestor of the head " + Keys.hex(head)
            + " of layer " + b.getLayer());
      }
      byte[] previous = l.kv.get(Keys.rollbackVote(b.getLayer(), tx.signer()));
      if (Arrays.equals(previous, target)) {
        return fail(TxCode.ALREADY_VOTED, "validator " + Keys.addr(tx.signer()) + " already voted for this rollback");
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, Rollback b, BlockInfo block, TxEffects fx) {
      byte[] target = b.getTargetCheckpointHash().toByteArray();
      byte[] head = l.head(b.getLayer());
      l.kv.put(Keys.rollbackVote(b.getLayer(), tx.signer()), target.clone());
      String prefix = "rbvote/" + b.getLayer() + "/";
      long tally = 0;
      for (Map.Entry<String, byte[]> e : l.kv.scan(prefix).entrySet()) {
        if (Arrays.equals(e.getValue(), target)) {
          tally = Math.addExact(tally, l.power(Keys.HEX_UPPER.parseHex(e.getKey().substring(prefix.length()))));
        }
      }
      boolean applied = Ledger.supermajority(tally, l.totalPower());
      if (applied) {
        l.setHead(b.getLayer(), target);
      }
      fx.event("rollback", "layer", b.getLayer(), "from", Keys.hex(head), "to", Keys.hex(target),
          "status", applied ? "APPLIED" : "VOTED");
    }
  }

  /** Any registered node or validator files one dispute per delta; it is recorded for review. */
  static final class DisputeHandler implements Handler<Dispute> {
    @Override
    public ValidationResult validate(Ledger l, ParsedTx tx, Dispute b, BlockInfo block) {
      if (l.node(tx.signer()) == null && l.power(tx.signer()) == 0) {
        return fail(TxCode.NOT_REGISTERED, "signer " + Keys.addr(tx.signer()) + " is neither a registered node nor a validator");
      }
      byte[] id = b.getDeltaId().toByteArray();
      if (l.delta(id) == null) {
        return fail(TxCode.UNKNOWN_DELTA, "no delta " + Keys.hex(id));
      }
      if (l.kv.has(Keys.dispute(id, tx.signer()))) {
        return fail(TxCode.DUPLICATE, "signer already disputed delta " + Keys.hex(id));
      }
      return ValidationResult.OK;
    }

    @Override
    public void apply(Ledger l, ParsedTx tx, Dispute b, BlockInfo block, TxEffects fx) {
      DisputeRecord d = new DisputeRecord();
      d.layer = b.getLayer();
      d.segmentStartStep = b.getSegmentStartStep();
      d.segmentEndStep = b.getSegmentEndStep();
      d.expectedStateHash = b.getExpectedStateHash().toByteArray();
      d.observedStateHash = b.getObservedStateHash().toByteArray();
      d.reason = b.getReason();
      d.height = block.height();
      byte[] id = b.getDeltaId().toByteArray();
      l.kv.put(Keys.dispute(id, tx.signer()), d.encode());
      fx.event("dispute", "delta", Keys.hex(id), "signer", Keys.addr(tx.signer()));
    }
  }

  /** Expires every pending delta whose verdict deadline is below {@code height}; block-level events. */
  static void expireDeltas(Ledger l, BlockInfo block, java.util.List<io.deltachain.abci.proto.Event> events) {
    for (String key : l.kv.range("pending/", "pending/" + Keys.height(block.height())).keySet()) {
      byte[] id = Keys.HEX.parseHex(key.substring(key.lastIndexOf('/') + 1));
      DeltaRecord d = l.delta(id);
      if (d == null || d.status != DeltaStatus.PENDING) {
        l.kv.delete(key);
        continue;
      }
      decide(l, d, DeltaStatus.EXPIRED, block, events);
    }
  }
}
