package io.deltachain.abci.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.CheckpointVote;
import io.deltachain.core.tx.proto.FinalizeRound;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.RegisterNode;
import io.deltachain.core.tx.proto.Rollback;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.Verdict;
import io.deltachain.core.tx.proto.VerdictBatch;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signs transactions of one key for one chain, handing out strictly increasing nonces. Start
 * it from the ledger's last nonce for the key ({@code /nonce/<address>}, see
 * {@link ChainClient#lastNonce}); the ledger refuses any nonce not above the last one it
 * executed, so submit a signer's transactions in nonce order.
 */
public final class TxSigner {
  private final NodeKey key;
  private final String chainId;
  private final AtomicLong lastNonce;

  /**
   * @param lastNonce the last nonce the chain has seen from this key (0 for a new key)
   */
  public TxSigner(NodeKey key, String chainId, long lastNonce) {
    this.key = key;
    this.chainId = chainId;
    this.lastNonce = new AtomicLong(lastNonce);
  }

  /** The signing key. */
  public NodeKey key() {
    return key;
  }

  /** The key's 20-byte address. */
  public byte[] address() {
    return key.address();
  }

  /** The chain the signer signs for. */
  public String chainId() {
    return chainId;
  }

  /** The nonce of the most recently signed transaction. */
  public long lastNonce() {
    return lastNonce.get();
  }

  /** Signs any body with the next nonce; returns the transaction bytes. */
  public byte[] sign(BodyType type, MessageLite body) {
    return TxEnvelopes.sign(key, chainId, lastNonce.incrementAndGet(), type, body).toByteArray();
  }

  /** Signs with an explicit nonce (tests of replay protection); does not advance the counter. */
  public byte[] signWithNonce(long nonce, BodyType type, MessageLite body) {
    return TxEnvelopes.sign(key, chainId, nonce, type, body).toByteArray();
  }

  /** RegisterNode. */
  public byte[] registerNode(NodeRole role, String moniker, Capabilities capabilities, long votingPower) {
    return sign(BodyType.REGISTER_NODE, RegisterNode.newBuilder().setRole(role).setMoniker(moniker)
        .setCapabilities(capabilities).setVotingPower(votingPower).build());
  }

  /** StartRound. */
  public byte[] startRound(StartRound body) {
    return sign(BodyType.START_ROUND, body);
  }

  /** SubmitDelta; the delta's id is SHA-256 of the returned bytes. */
  public byte[] submitDelta(SubmitDelta body) {
    return sign(BodyType.SUBMIT_DELTA, body);
  }

  /** One VerdictBatch carrying all of {@code verdicts}. */
  public byte[] verdicts(List<Verdict> verdicts) {
    return sign(BodyType.VERDICT_BATCH, VerdictBatch.newBuilder().addAllVerdicts(verdicts).build());
  }

  /** A single verdict. */
  public static Verdict verdict(byte[] deltaId, boolean approve, long scoreMicro, String... reasonCodes) {
    return Verdict.newBuilder().setDeltaId(ByteString.copyFrom(deltaId)).setApprove(approve)
        .setScoreMicro(scoreMicro).addAllReasonCodes(List.of(reasonCodes)).build();
  }

  /** ProposeCheckpoint. */
  public byte[] proposeCheckpoint(ProposeCheckpoint body) {
    return sign(BodyType.PROPOSE_CHECKPOINT, body);
  }

  /** CheckpointVote. */
  public byte[] checkpointVote(String roundId, String layer, byte[] checkpointHash) {
    return sign(BodyType.CHECKPOINT_VOTE, CheckpointVote.newBuilder().setRoundId(roundId).setLayer(layer)
        .setCheckpointHash(ByteString.copyFrom(checkpointHash)).build());
  }

  /** FinalizeRound. */
  public byte[] finalizeRound(String roundId, String reason) {
    return sign(BodyType.FINALIZE_ROUND, FinalizeRound.newBuilder().setRoundId(roundId).setReason(reason).build());
  }

  /** Rollback vote. */
  public byte[] rollback(String layer, byte[] target, String reason) {
    return sign(BodyType.ROLLBACK, Rollback.newBuilder().setLayer(layer)
        .setTargetCheckpointHash(ByteString.copyFrom(target)).setReason(reason).build());
  }
}
