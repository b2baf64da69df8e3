package io.deltachain.abci.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.CheckpointVote;
import io.deltachain.core.tx.proto.Dispute;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.Rollback;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Field-level schema checks of each body type, independent of ledger state: identifiers,
 * hash lengths, ranges, list sizes. Every failure is {@link TxCode#INVALID_BODY} with the
 * field named in the log.
 */
final class BodySchemas {
  static final int HASH = ContentHash.LENGTH;
  static final int MAX_TEXT = 256;
  static final int MAX_CID = 128;
  static final long MAX_WINDOW_BLOCKS = 10_000_000L;
  static final int MAX_LIST = 4_096;

  private BodySchemas() {}

  static ValidationResult check(Message body, LedgerParams params) {
    if (body instanceof RegisterNode b) {
      return registerNode(b, params);
    } else if (body instanceof StartRound b) {
      return startRound(b);
    } else if (body instanceof SubmitDelta b) {
      return submitDelta(b);
    } else if (body instanceof VerdictBatch b) {
      return verdictBatch(b, params);
    } else if (body instanceof ProposeCheckpoint b) {
      return proposeCheckpoint(b);
    } else if (body instanceof CheckpointVote b) {
      return firstFailure(ident("round_id", b.getRoundId()), ident("layer", b.getLayer()),
          hash("checkpoint_hash", b.getCheckpointHash()));
    } else if (body instanceof FinalizeRound b) {
      return firstFailure(ident("round_id", b.getRoundId()), text("reason", b.getReason(), MAX_TEXT));
    } else if (body instanceof Rollback b) {
      return firstFailure(ident("layer", b.getLayer()), hash("target_checkpoint_hash", b.getTargetCheckpointHash()),
          text("reason", b.getReason(), MAX_TEXT));
    } else if (body instanceof Dispute b) {
      return dispute(b);
    }
    return ValidationResult.fail(TxCode.INVALID_BODY, "unsupported body " + body.getClass().getSimpleName());
  }

  private static ValidationResult registerNode(RegisterNode b, LedgerParams params) {
    if (b.getRole() == NodeRole.NODE_ROLE_UNSPECIFIED || b.getRole() == NodeRole.UNRECOGNIZED) {
      return bad("role must be TRAINER, VALIDATOR or COORDINATOR");
    }
    if (b.getVotingPower() < 0 || b.getVotingPower() > params.maxValidatorPower()) {
      return bad("voting_power " + b.getVotingPower() + " is outside 0.." + params.maxValidatorPower());
    }
    if (b.getVotingPower() != 0 && b.getRole() != NodeRole.VALIDATOR) {
      return bad("only a VALIDATOR registration may request voting_power");
    }
    return firstFailure(text("moniker", b.getMoniker(), 64), text("capabilities.device", b.getCapabilities().getDevice(), 128),
        text("capabilities.gpu_class", b.getCapabilities().getGpuClass(), 64),
        nonNegative("capabilities.memory_bytes", b.getCapabilities().getMemoryBytes()),
        nonNegative("capabilities.tokens_per_second_milli", b.getCapabilities().getTokensPerSecondMilli()),
        nonNegative("capabilities.bandwidth_bytes_per_second", b.getCapabilities().getBandwidthBytesPerSecond()));
  }

  private static ValidationResult startRound(StartRound b) {
    ValidationResult r = firstFailure(ident("round_id", b.getRoundId()), text("model_id", b.getModelId(), MAX_TEXT),
        hash("plan_hash", b.getPlanHash()), hash("eval_set_hash", b.getEvalSetHash()),
        optionalHash("dataset_hash", b.getDatasetHash()));
    if (!r.ok()) {
      return r;
    }
    if (b.getTrainingBlocks() < 1 || b.getTrainingBlocks() > MAX_WINDOW_BLOCKS) {
      return bad("training_blocks " + Long.toUnsignedString(b.getTrainingBlocks()) + " is outside 1.." + MAX_WINDOW_BLOCKS);
    }
    if (b.getValidationBlocks() < 1 || b.getValidationBlocks() > MAX_WINDOW_BLOCKS) {
      return bad("validation_blocks " + Long.toUnsignedString(b.getValidationBlocks()) + " is outside 1.." + MAX_WINDOW_BLOCKS);
    }
    if (b.getAggregation() == AggregationMethod.AGGREGATION_METHOD_UNSPECIFIED
        || b.getAggregation() == AggregationMethod.UNRECOGNIZED) {
      return bad("aggregation must name a method");
    }
    if (b.getAssignmentsCount() > MAX_LIST) {
      return bad("more than " + MAX_LIST + " assignments");
    }
    for (int i = 0; i < b.getAssignmentsCount(); i++) {
      Assignment a = b.getAssignments(i);
      if (a.getTrainerAddress().size() != NodeKey.ADDRESS_LENGTH) {
        return bad("assignments[" + i + "].trainer_address must be 20 bytes, got " + a.getTrainerAddress().size());
      }
      if (a.getLastLayer() < a.getFirstLayer()) {
        return bad("assignments[" + i + "] has last_layer < first_layer");
      }
    }
    if (b.getBaseCheckpointsCount() > MAX_LIST) {
      return bad("more than " + MAX_LIST + " base_checkpoints");
    }
    for (Map.Entry<String, ByteString> e : b.getBaseCheckpointsMap().entrySet()) {
      ValidationResult x = firstFailure(ident("base_checkpoints key", e.getKey()),
          hash("base_checkpoints[" + e.getKey() + "]", e.getValue()));
      if (!x.ok()) {
        return x;
      }
    }
    // Without the training settings no node could rebuild a trainer's task from the chain.
    if (!b.hasTraining()) {
      return bad("training is missing: a round must fix its training settings on chain");
    }
    boolean adapters = b.getAssignmentsList().stream()
        .anyMatch(a -> a.getMode() == TrainingMode.LORA || a.getMode() == TrainingMode.QLORA);
    return RoundTraining.of(b.getTraining()).problem(adapters).map(BodySchemas::bad).orElse(ValidationResult.OK);
  }

  private static ValidationResult submitDelta(SubmitDelta b) {
    ValidationResult r = firstFailure(ident("round_id", b.getRoundId()), ident("layer", b.getLayer()),
        optionalHash("base_hash", b.getBaseHash()), hash("content_hash", b.getContentHash()),
        text("cid", b.getCid(), MAX_CID), optionalHash("replay_commitment", b.getReplayCommitment()));
    if (!r.ok()) {
      return r;
    }
    boolean hasCid = !b.getCid().isEmpty();
    boolean hasInline = !b.getInlineDelta().isEmpty();
    if (hasCid == hasInline) {
      return bad("exactly one of cid and inline_delta must be set");
    }
    if (hasInline) {
      if (!Arrays.equals(ContentHash.sha256(b.getInlineDelta().toByteArray()).bytes(), b.getContentHash().toByteArray())) {
        return bad("content_hash is not the SHA-256 of inline_delta");
      }
      if (b.getSizeBytes() != b.getInlineDelta().size()) {
        return bad("size_bytes " + b.getSizeBytes() + " differs from the inline delta's " + b.getInlineDelta().size() + " bytes");
      }
    } else if (b.getSizeBytes() <= 0) {
      return bad("size_bytes must be positive for a delta stored by CID");
    }
    return ValidationResult.OK;
  }

  private static ValidationResult verdictBatch(VerdictBatch b, LedgerParams params) {
    if (b.getVerdictsCount() == 0) {
      return bad("a verdict batch needs at least one verdict");
    }
    if (b.getVerdictsCount() > params.maxVerdictsPerBatch()) {
      return bad("a verdict batch carries at most " + params.maxVerdictsPerBatch() + " verdicts, got " + b.getVerdictsCount());
    }
    Set<ByteString> seen = new HashSet<>();
    for (int i = 0; i < b.getVerdictsCount(); i++) {
      Verdict v = b.getVerdicts(i);
      ValidationResult r = hash("verdicts[" + i + "].delta_id", v.getDeltaId());
      if (!r.ok()) {
        return r;
      }
      if (!seen.add(v.getDeltaId())) {
        return bad("verdicts[" + i + "] repeats delta " + Keys.hex(v.getDeltaId().toByteArray()));
      }
      if (v.getReasonCodesCount() > 32) {
        return bad("verdicts[" + i + "] has more than 32 reason codes");
      }
      for (String code : v.getReasonCodesList()) {
        ValidationResult c = text("verdicts[" + i + "].reason_codes", code, 64);
        if (!c.ok()) {
          return c;
        }
      }
    }
    return ValidationResult.OK;
  }

  private static ValidationResult proposeCheckpoint(ProposeCheckpoint b) {
    ValidationResult r = firstFailure(ident("round_id", b.getRoundId()), ident("layer", b.getLayer()),
        optionalHash("parent_hash", b.getParentHash()), hash("checkpoint_hash", b.getCheckpointHash()),
        text("cid", b.getCid(), MAX_CID));
    if (!r.ok()) {
      return r;
    }
    if (b.getMethod() == AggregationMethod.AGGREGATION_METHOD_UNSPECIFIED || b.getMethod() == AggregationMethod.UNRECOGNIZED) {
      return bad("method must name an aggregation method");
    }
    if (b.getContributingDeltasCount() == 0 || b.getContributingDeltasCount() > MAX_LIST) {
      return bad("contributing_deltas must list 1.." + MAX_LIST + " deltas");
    }
    Set<ByteString> seen = new HashSet<>();
    for (int i = 0; i < b.getContributingDeltasCount(); i++) {
      ValidationResult h = hash("contributing_deltas[" + i + "]", b.getContributingDeltas(i));
      if (!h.ok()) {
        return h;
      }
      if (!seen.add(b.getContributingDeltas(i))) {
        return bad("contributing_deltas[" + i + "] is listed twice");
      }
    }
    if (b.getParentHash().equals(b.getCheckpointHash())) {
      return bad("a checkpoint cannot be its own parent");
    }
    return ValidationResult.OK;
  }

  private static ValidationResult dispute(Dispute b) {
    ValidationResult r = firstFailure(hash("delta_id", b.getDeltaId()), ident("layer", b.getLayer()),
        optionalHash("expected_state_hash", b.getExpectedStateHash()),
        optionalHash("observed_state_hash", b.getObservedStateHash()), text("reason", b.getReason(), MAX_TEXT));
    if (!r.ok()) {
      return r;
    }
    if (Long.compareUnsigned(b.getSegmentEndStep(), b.getSegmentStartStep()) < 0) {
      return bad("segment_end_step is before segment_start_step");
    }
    return ValidationResult.OK;
  }

  // ---------------------------------------------------------------- field helpers

  static ValidationResult ident(String field, String v) {
    return Keys.IDENT.matcher(v).matches()
        ? ValidationResult.OK
        : bad(field + " '" + abbreviate(v) + "' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
  }

  static ValidationResult hash(String field, ByteString v) {
    return v.size() == HASH ? ValidationResult.OK : bad(field + " must be a 32-byte SHA-256 hash, got " + v.size() + " bytes");
  }

  static ValidationResult optionalHash(String field, ByteString v) {
    return v.isEmpty() ? ValidationResult.OK : hash(field, v);
  }

  static ValidationResult text(String field, String v, int max) {
    if (v.length() > max) {
      return bad(field + " is longer than " + max + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        return bad(field + " contains a control character");
      }
    }
    return ValidationResult.OK;
  }

  static ValidationResult nonNegative(String field, long v) {
    return v >= 0 ? ValidationResult.OK : bad(field + " must not exceed 2^63-1");
  }

  static ValidationResult firstFailure(ValidationResult... results) {
    for (ValidationResult r : results) {
      if (!r.ok()) {
        return r;
      }
    }
    return ValidationResult.OK;
  }

  private static ValidationResult bad(String log) {
    return ValidationResult.fail(TxCode.INVALID_BODY, log);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
