package io.deltachain.abci.server;

import io.deltachain.abci.proto.RequestApplySnapshotChunk;
import io.deltachain.abci.proto.RequestCheckTx;
import io.deltachain.abci.proto.RequestCommit;
import io.deltachain.abci.proto.RequestExtendVote;
import io.deltachain.abci.proto.RequestFinalizeBlock;
import io.deltachain.abci.proto.RequestInfo;
import io.deltachain.abci.proto.RequestInitChain;
import io.deltachain.abci.proto.RequestListSnapshots;
import io.deltachain.abci.proto.RequestLoadSnapshotChunk;
import io.deltachain.abci.proto.RequestOfferSnapshot;
import io.deltachain.abci.proto.RequestPrepareProposal;
import io.deltachain.abci.proto.RequestProcessProposal;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.RequestVerifyVoteExtension;
import io.deltachain.abci.proto.ResponseApplySnapshotChunk;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.abci.proto.ResponseCommit;
import io.deltachain.abci.proto.ResponseExtendVote;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseInfo;
import io.deltachain.abci.proto.ResponseInitChain;
import io.deltachain.abci.proto.ResponseListSnapshots;
import io.deltachain.abci.proto.ResponseLoadSnapshotChunk;
import io.deltachain.abci.proto.ResponseOfferSnapshot;
import io.deltachain.abci.proto.ResponsePrepareProposal;
import io.deltachain.abci.proto.ResponseProcessProposal;
import io.deltachain.abci.proto.ResponseQuery;
import io.deltachain.abci.proto.ResponseVerifyVoteExtension;

/**
 * The application side of ABCI 2.0 (CometBFT v0.38). The {@link AbciServerVerticle} calls
 * these methods one at a time, in the order the requests arrived, on one thread, so an
 * implementation needs no locking of its own.
 *
 * <p>An exception thrown from a consensus or info method halts the process; from
 * {@link #checkTx} or {@link #query} it becomes a response with
 * {@link #internalErrorCode()}, because a bad mempool or query request must not stop a
 * validator.
 */
public interface AbciApplication {
  /** Handshake and {@code abci_info}: must report exactly what the last Commit persisted. */
  ResponseInfo info(RequestInfo request);

  /** Called once, at genesis. */
  ResponseInitChain initChain(RequestInitChain request);

  /** Read-only queries against committed state. */
  ResponseQuery query(RequestQuery request);

  /** Mempool admission (NEW) and re-admission after a commit (RECHECK). */
  ResponseCheckTx checkTx(RequestCheckTx request);

  /**
   * Optional CheckTx work that depends only on the request bytes (parsing, signature
   * verification): the server runs it on a pool of threads, in parallel with other requests,
   * and hands the result to {@link #checkTx(RequestCheckTx, Object)} on the application thread,
   * still in request order. Must be thread-safe and must not read mutable application state.
   */
  default Object precheckTx(RequestCheckTx request) {
    return null;
  }

  /** CheckTx with the result of {@link #precheckTx} (null when it was not run or threw). */
  default ResponseCheckTx checkTx(RequestCheckTx request, Object precheck) {
    return checkTx(request);
  }

  /** The proposer's chance to reorder or drop transactions; must fit {@code max_tx_bytes}. */
  ResponsePrepareProposal prepareProposal(RequestPrepareProposal request);

  /** Deterministic block validity check; must answer ACCEPT or REJECT, never UNKNOWN. */
  ResponseProcessProposal processProposal(RequestProcessProposal request);

  /** Executes a decided block against staged state. */
  ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request);

  /** Persists the staged state atomically. */
  ResponseCommit commit(RequestCommit request);

  /** Vote extensions are off unless the genesis enables them. */
  default ResponseExtendVote extendVote(RequestExtendVote request) {
    return ResponseExtendVote.getDefaultInstance();
  }

  /** Accepts every (absent) vote extension. */
  default ResponseVerifyVoteExtension verifyVoteExtension(RequestVerifyVoteExtension request) {
    return ResponseVerifyVoteExtension.newBuilder()
        .setStatus(ResponseVerifyVoteExtension.VerifyStatus.ACCEPT)
        .build();
  }

  /** No snapshots are offered (state sync is not implemented). */
  default ResponseListSnapshots listSnapshots(RequestListSnapshots request) {
    return ResponseListSnapshots.getDefaultInstance();
  }

  /** Declines every snapshot, so a new node syncs by replaying blocks. */
  default ResponseOfferSnapshot offerSnapshot(RequestOfferSnapshot request) {
    return ResponseOfferSnapshot.newBuilder().setResult(ResponseOfferSnapshot.Result.REJECT).build();
  }

  /** No chunks to serve. */
  default ResponseLoadSnapshotChunk loadSnapshotChunk(RequestLoadSnapshotChunk request) {
    return ResponseLoadSnapshotChunk.getDefaultInstance();
  }

  /** Never reached, since every snapshot is declined. */
  default ResponseApplySnapshotChunk applySnapshotChunk(RequestApplySnapshotChunk request) {
    return ResponseApplySnapshotChunk.newBuilder().setResult(ResponseApplySnapshotChunk.Result.ABORT).build();
  }

  /** The result code given to a CheckTx or Query whose handler threw. */
  default int internalErrorCode() {
    return 99;
  }
}
