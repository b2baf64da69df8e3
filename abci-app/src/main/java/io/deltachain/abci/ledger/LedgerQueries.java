package io.deltachain.abci.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.abci.ledger.Records.CheckpointRecord;
import io.deltachain.abci.ledger.Records.DeltaRecord;
import io.deltachain.abci.ledger.Records.DisputeRecord;
import io.deltachain.abci.ledger.Records.NodeRecord;
import io.deltachain.abci.ledger.Records.RoundRecord;
import io.deltachain.abci.ledger.Records.ValidatorRecord;
import io.deltachain.abci.ledger.Records.VerdictRecord;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.ResponseQuery;
import io.deltachain.abci.proto.crypto.ProofOp;
import io.deltachain.abci.proto.crypto.ProofOps;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Assignment;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.RoundTraining;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.TrainingMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * ABCI Query paths over committed state, each answering JSON in {@code value}:
 *
 * <ul>
 *   <li>{@code /round/<id>}: the round, its assignments and its deltas
 *   <li>{@code /delta/<id>}: the delta, its verdicts and disputes
 *   <li>{@code /layer/<name>/head}, {@code /layer/<name>/lineage}: the head checkpoint, and the
 *       chain of checkpoints from the head back to the base
 *   <li>{@code /checkpoint/<hash>}
 *   <li>{@code /validators}: the validator set and total power
 *   <li>{@code /node/<address>}, {@code /nonce/<address>}
 *   <li>{@code /params}: chain id, ledger parameters, genesis permissions
 *   <li>{@code /proof/<state key>}: a Merkle inclusion proof against the committed app hash
 * </ul>
 *
 * Hashes are lowercase hex, addresses uppercase hex (either case is accepted in paths).
 */
final class LedgerQueries {
  /** Query result codes (separate from transaction codes). */
  enum QueryCode {
    OK(0), NOT_FOUND(1), BAD_REQUEST(2), UNSUPPORTED_HEIGHT(3);

    final int code;

    QueryCode(int code) {
      this.code = code;
    }
  }

  /** The ProofOp type of {@code /proof} answers. */
  static final String PROOF_OP_TYPE = "deltachain:merkle-rfc6962";

  private final StateTree state;

  LedgerQueries(StateTree state) {
    this.state = state;
  }

  ResponseQuery query(RequestQuery request) {
    if (request.getHeight() != 0 && request.getHeight() != state.height()) {
      return error(QueryCode.UNSUPPORTED_HEIGHT, "only the latest committed height " + state.height()
          + " can be queried, asked for " + request.getHeight());
    }
    String path = request.getPath();
    Ledger l = new Ledger(Kv.readOnly(state.dataForOverlay()));
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : path.split("/", -1);
    try {
      return switch (parts[0]) {
        case "round" -> parts.length == 2 ? round(l, parts[1]) : badPath(path);
        case "delta" -> parts.length == 2 ? delta(l, parts[1]) : badPath(path);
        case "checkpoint" -> parts.length == 2 ? checkpoint(l, parts[1]) : badPath(path);
        case "layer" -> parts.length == 3 && parts[2].equals("head") ? head(l, parts[1])
            : parts.length == 3 && parts[2].equals("lineage") ? lineage(l, parts[1]) : badPath(path);
        case "validators" -> parts.length == 1 ? validators(l) : badPath(path);
        case "node" -> parts.length == 2 ? node(l, parts[1]) : badPath(path);
        case "nonce" -> parts.length == 2 ? nonce(l, parts[1]) : badPath(path);
        case "params" -> parts.length == 1 ? params(l) : badPath(path);
        case "proof" -> parts.length >= 2 ? proof(path.substring(path.indexOf("proof/") + "proof/".length())) : badPath(path);
        default -> badPath(path);
      };
    } catch (IllegalArgumentException e) {
      return error(QueryCode.BAD_REQUEST, e.getMessage());
    }
  }

  private ResponseQuery badPath(String path) {
    return error(QueryCode.BAD_REQUEST, "unknown query path '" + path + "'; known: /round/<id>, /delta/<id>, "
        + "/checkpoint/<hash>, /layer/<name>/head, /layer/<name>/lineage, /validators, /node/<address>, "
        + "/nonce/<address>, /params, /proof/<key>");
  }

  private ResponseQuery error(QueryCode code, String log) {
    return ResponseQuery.newBuilder().setCode(code.code).setLog(log).setHeight(state.height()).build();
  }

  private ResponseQuery ok(JsonObject json) {
    return ResponseQuery.newBuilder().setCode(0).setHeight(state.height())
        .setValue(ByteString.copyFrom(json.encode().getBytes(StandardCharsets.UTF_8))).build();
  }

  private static byte[] hash(String hex, String what) {
    try {
      byte[] b = Keys.HEX.parseHex(hex.toLowerCase());
      if (b.length != 32) {
        throw new IllegalArgumentException(what + " must be 64 hex characters");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " '" + hex + "' is not 64 hex characters");
    }
  }

  private static byte[] address(String hex) {
    try {
      byte[] b = Keys.HEX.parseHex(hex.toLowerCase());
      if (b.length != 20) {
        throw new IllegalArgumentException("bad length");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address '" + hex + "' is not 40 hex characters");
    }
  }

  private static String hexOrNull(byte[] b) {
    return b == null || b.length == 0 ? null : Keys.hex(b);
  }

  // ---------------------------------------------------------------- paths

  private ResponseQuery round(Ledger l, String id) {
    RoundRecord r = l.round(id);
    if (r == null) {
      return error(QueryCode.NOT_FOUND, "no round '" + id + "'");
    }
    JsonObject j = new JsonObject()
        .put("round_id", r.roundId)
        .put("model_id", r.modelId)
        .put("coordinator", Keys.addr(r.coordinator))
        .put("status", r.status.name())
        .put("plan_hash", hexOrNull(r.planHash))
        .put("eval_seed", Long.toUnsignedString(r.evalSeed))
        .put("eval_set_hash", hexOrNull(r.evalSetHash))
        .put("dataset_hash", hexOrNull(r.datasetHash))
        .put("shard_count", r.shardCount)
        .put("aggregation", AggregationMethod.forNumber(r.aggregation) == null ? "UNKNOWN" : AggregationMethod.forNumber(r.aggregation).name())
        .put("byzantine_f", r.byzantineF)
        .put("max_norm_ratio_ppm", r.maxNormRatioPpm)
        .put("start_height", r.startHeight)
        .put("training_blocks", r.trainingBlocks)
        .put("training_deadline", r.trainingDeadline)
        .put("validation_blocks", r.validationBlocks)
        .put("finalized_height", r.finalizedHeight)
        .put("delta_count", r.deltaCount);
    JsonObject base = new JsonObject();
    r.baseCheckpoints.forEach((k, v) -> base.put(k, Keys.hex(v)));
    j.put("base_checkpoints", base);
    JsonArray assignments = new JsonArray();
    try {
      StartRound start = StartRound.parseFrom(r.startRoundBody);
      // the settings as signed in the stored body (CheckTx refuses a StartRound without them)
      j.put("training", RoundTraining.of(start.getTraining()).toJson());
      for (Assignment a : start.getAssignmentsList()) {
        assignments.add(new JsonObject()
            .put("trainer_address", Keys.addr(a.getTrainerAddress().toByteArray()))
            .put("first_layer", a.getFirstLayer())
            .put("last_layer", a.getLastLayer())
            .put("mode", a.getMode().name())
            .put("lora_rank", a.getLoraRank())
            .put("target_modules", new JsonArray(a.getTargetModulesList().stream().map(Object.class::cast).toList()))
            .put("shard_index", a.getShardIndex())
            .put("precision", a.getPrecision()));
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored StartRound body of round " + id + " does not parse", e);
    }
    j.put("assignments", assignments);
    JsonArray deltas = new JsonArray();
    String prefix = "rdelta/" + id + "/";
    for (String k : l.kv.scan(prefix).keySet()) {
      deltas.add(k.substring(prefix.length()));
    }
    j.put("deltas", deltas);
    return ok(j);
  }

  private ResponseQuery delta(Ledger l, String idHex) {
    byte[] id = hash(idHex, "delta id");
    DeltaRecord d = l.delta(id);
    if (d == null) {
      return error(QueryCode.NOT_FOUND, "no delta " + Keys.hex(id));
    }
    JsonObject j = new JsonObject()
        .put("id", Keys.hex(d.id))
        .put("round_id", d.roundId)
        .put("trainer", Keys.addr(d.trainer))
        .put("layer", d.layer)
        .put("base_hash", hexOrNull(d.baseHash))
        .put("content_hash", Keys.hex(d.contentHash))
        .put("cid", d.cid.isEmpty() ? null : d.cid)
        .put("inline", d.inline)
        .put("size_bytes", d.sizeBytes)
        .put("mode", TrainingMode.forNumber(d.mode) == null ? "UNKNOWN" : TrainingMode.forNumber(d.mode).name())
        .put("lora_rank", d.loraRank)
        .put("tokens", Long.toUnsignedString(d.tokens))
        .put("loss_before_micro", d.lossBeforeMicro)
        .put("loss_after_micro", d.lossAfterMicro)
        .put("shard_index", d.shardIndex)
        .put("replay_commitment", hexOrNull(d.replayCommitment))
        .put("submitted_height", d.submittedHeight)
        .put("deadline_height", d.deadlineHeight)
        .put("status", d.status.name())
        .put("approve_power", d.approvePower)
        .put("reject_power", d.rejectPower)
        .put("total_power", l.totalPower())
        .put("verdict_count", d.verdictCount)
        .put("decided_height", d.decidedHeight);
    JsonArray verdicts = new JsonArray();
    String prefix = "verdict/" + Keys.hex(id) + "/";
    for (Map.Entry<String, byte[]> e : l.kv.scan(prefix).entrySet()) {
      VerdictRecord v = VerdictRecord.decode(e.getValue());
      verdicts.add(new JsonObject()
          .put("validator", e.getKey().substring(prefix.length()))
          .put("approve", v.approve)
          .put("score_micro", v.scoreMicro)
          .put("reason_codes", new JsonArray(v.reasonCodes.stream().map(Object.class::cast).toList()))
          .put("power", v.power)
          .put("height", v.height));
    }
    j.put("verdicts", verdicts);
    JsonArray disputes = new JsonArray();
    String dprefix = "dispute/" + Keys.hex(id) + "/";
    for (Map.Entry<String, byte[]> e : l.kv.scan(dprefix).entrySet()) {
      DisputeRecord x = DisputeRecord.decode(e.getValue());
      disputes.add(new JsonObject()
          .put("signer", e.getKey().substring(dprefix.length()))
          .put("layer", x.layer)
          .put("segment_start_step", Long.toUnsignedString(x.segmentStartStep))
          .put("segment_end_step", Long.toUnsignedString(x.segmentEndStep))
          .put("expected_state_hash", hexOrNull(x.expectedStateHash))
          .put("observed_state_hash", hexOrNull(x.observedStateHash))
          .put("reason", x.reason)
          .put("height", x.height));
    }
    j.put("disputes", disputes);
    return ok(j);
  }

  private static JsonObject checkpointJson(CheckpointRecord c) {
    JsonArray contributing = new JsonArray();
    c.contributingDeltas.forEach(d -> contributing.add(Keys.hex(d)));
    return new JsonObject()
        .put("hash", Keys.hex(c.hash))
        .put("layer", c.layer)
        .put("round_id", c.roundId)
        .put("parent", hexOrNull(c.parent))
        .put("cid", c.cid.isEmpty() ? null : c.cid)
        .put("method", AggregationMethod.forNumber(c.method) == null ? "UNKNOWN" : AggregationMethod.forNumber(c.method).name())
        .put("contributing_deltas", contributing)
        .put("proposer", Keys.addr(c.proposer))
        .put("proposed_height", c.proposedHeight)
        .put("status", c.status.name())
        .put("approve_power", c.approvePower)
        .put("accepted_height", c.acceptedHeight);
  }

  private ResponseQuery checkpoint(Ledger l, String hashHex) {
    CheckpointRecord c = l.checkpoint(hash(hashHex, "checkpoint hash"));
    return c == null ? error(QueryCode.NOT_FOUND, "no checkpoint " + hashHex) : ok(checkpointJson(c));
  }

  private ResponseQuery head(Ledger l, String layer) {
    byte[] head = l.head(layer);
    if (head == null) {
      return error(QueryCode.NOT_FOUND, "layer " + layer + " has no accepted checkpoint");
    }
    CheckpointRecord c = l.checkpoint(head);
    return ok(new JsonObject().put("layer", layer).put("head", Keys.hex(head))
        .put("checkpoint", c == null ? null : checkpointJson(c)));
  }

  private ResponseQuery lineage(Ledger l, String layer) {
    byte[] head = l.head(layer);
    if (head == null) {
      return error(QueryCode.NOT_FOUND, "layer " + layer + " has no accepted checkpoint");
    }
    JsonArray chain = new JsonArray();
    byte[] cursor = head;
    String base = null;
    for (int depth = 0; cursor != null && cursor.length > 0 && depth < Ledger.MAX_LINEAGE_DEPTH; depth++) {
      CheckpointRecord c = l.checkpoint(cursor);
      if (c == null) {
        base = Keys.hex(cursor);
        break;
      }
      chain.add(checkpointJson(c));
      cursor = c.parent;
    }
    return ok(new JsonObject().put("layer", layer).put("head", Keys.hex(head)).put("lineage", chain)
        .put("base", base));
  }

  private ResponseQuery validators(Ledger l) {
    JsonArray vs = new JsonArray();
    for (Map.Entry<String, ValidatorRecord> e : l.validators().entrySet()) {
      vs.add(new JsonObject().put("address", e.getKey())
          .put("pub_key", Base64.getEncoder().encodeToString(e.getValue().pubKey))
          .put("power", e.getValue().power));
    }
    return ok(new JsonObject().put("total_power", l.totalPower()).put("validators", vs));
  }

  private ResponseQuery node(Ledger l, String addrHex) {
    byte[] a = address(addrHex);
    NodeRecord n = l.node(a);
    if (n == null) {
      return error(QueryCode.NOT_FOUND, "no node " + Keys.addr(a));
    }
    return ok(new JsonObject()
        .put("address", Keys.addr(a))
        .put("pub_key", Base64.getEncoder().encodeToString(n.pubKey))
        .put("role", NodeRole.forNumber(n.role) == null ? "UNKNOWN" : NodeRole.forNumber(n.role).name())
        .put("moniker", n.moniker)
        .put("capabilities", new JsonObject().put("device", n.device).put("memory_bytes", n.memoryBytes)
            .put("tokens_per_second_milli", n.tokensPerSecondMilli)
            .put("bandwidth_bytes_per_second", n.bandwidthBytesPerSecond).put("gpu_class", n.gpuClass))
        .put("reputation", n.reputation)
        .put("registered_height", n.registeredHeight)
        .put("accepted_deltas", n.acceptedDeltas)
        .put("rejected_deltas", n.rejectedDeltas)
        .put("expired_deltas", n.expiredDeltas)
        .put("voting_power", l.power(a))
        .put("last_nonce", Long.toUnsignedString(l.nonce(a))));
  }

  private ResponseQuery nonce(Ledger l, String addrHex) {
    byte[] a = address(addrHex);
    return ok(new JsonObject().put("address", Keys.addr(a)).put("last_nonce", Long.toUnsignedString(l.nonce(a))));
  }

  private ResponseQuery params(Ledger l) {
    JsonArray coordinators = new JsonArray();
    String cp = "allow/coordinator/";
    l.kv.scan(cp).keySet().forEach(k -> coordinators.add(k.substring(cp.length())));
    JsonObject allow = new JsonObject();
    String vp = "allow/validator/";
    l.kv.scan(vp).forEach((k, v) -> allow.put(k.substring(vp.length()), new Canon.Reader(v, "allowance", 1).i64()));
    return ok(new JsonObject().put("chain_id", l.chainId()).put("params", l.params().toJson())
        .put("coordinators", coordinators).put("validator_allowlist", allow));
  }

  private ResponseQuery proof(String key) {
    StateTree.Proof p = state.proof(key);
    if (p == null) {
      return error(QueryCode.NOT_FOUND, "no state key '" + key + "'");
    }
    JsonArray aunts = new JsonArray();
    p.aunts().forEach(a -> aunts.add(Keys.hex(a)));
    JsonObject j = new JsonObject()
        .put("key", key)
        .put("value", Keys.hex(p.value()))
        .put("index", p.index())
        .put("total", p.total())
        .put("aunts", aunts)
        .put("root", Keys.hex(p.root()))
        .put("height", state.height())
        .put("leaf", "SHA-256(0x00 || u32be(len key) || key || u32be(len value) || value)")
        .put("inner", "SHA-256(0x01 || left || right); aunts sibling first; split at the largest power of two below n");
    byte[] json = j.encode().getBytes(StandardCharsets.UTF_8);
    return ResponseQuery.newBuilder().setCode(0).setHeight(state.height())
        .setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8))
        .setValue(ByteString.copyFrom(json))
        .setProofOps(ProofOps.newBuilder().addOps(ProofOp.newBuilder().setType(PROOF_OP_TYPE)
            .setKey(ByteString.copyFrom(key, StandardCharsets.UTF_8)).setData(ByteString.copyFrom(json))))
        .build();
  }
}
