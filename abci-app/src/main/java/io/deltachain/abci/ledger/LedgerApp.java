package io.deltachain.abci.ledger;

import com.google.protobuf.ByteString;
import io.deltachain.abci.proto.Event;
import io.deltachain.abci.proto.ExecTxResult;
import io.deltachain.abci.proto.RequestCheckTx;
import io.deltachain.abci.proto.RequestCommit;
import io.deltachain.abci.proto.RequestFinalizeBlock;
import io.deltachain.abci.proto.RequestInfo;
import io.deltachain.abci.proto.RequestInitChain;
import io.deltachain.abci.proto.RequestPrepareProposal;
import io.deltachain.abci.proto.RequestProcessProposal;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.abci.proto.ResponseCommit;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseInfo;
import io.deltachain.abci.proto.ResponseInitChain;
import io.deltachain.abci.proto.ResponsePrepareProposal;
import io.deltachain.abci.proto.ResponseProcessProposal;
import io.deltachain.abci.proto.ResponseQuery;
import io.deltachain.abci.proto.ValidatorUpdate;
import io.deltachain.abci.proto.crypto.PublicKey;
import io.deltachain.abci.server.AbciApplication;
import io.deltachain.abci.store.StateStore;
import io.deltachain.core.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deltachain ledger as an ABCI application. FinalizeBlock executes a block against an
 * {@link Overlay} of the committed state and computes the app hash (Merkle root of the sorted
 * state); Commit writes the overlay, height and app hash to the {@link StateStore} in one
 * atomic write and only then makes them visible; Info reports what was committed. CheckTx and
 * Query read committed state only.
 *
 * <p>Called by {@link io.deltachain.abci.server.AbciDispatcher} on one thread; not thread-safe.
 */
public final class LedgerApp implements AbciApplication {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerApp.class);

  /** Constant across releases that share the ledger rules: it goes into every block header. */
  public static final long APP_VERSION = 1;
  /** Software version reported by Info. */
  public static final String VERSION = "deltachain-ledger/0.1.0";
  /** Codespace of failed transactions. */
  public static final String CODESPACE = "deltachain";

  private final StateStore store;
  private final String expectedChainId;
  private final StateTree committed;
  private final StatelessValidator stateless;
  private final LedgerQueries queries;
  private volatile String chainId;
  private volatile LedgerParams params;
  private Overlay checkState;
  private Ledger checkLedger;
  private Overlay staged;
  private Ledger stagedLedger;
  private long stagedHeight = -1;
  private byte[] stagedAppHash;
  private long lastBlockTimeSeconds;

  /**
   * Loads the committed state from {@code store}.
   *
   * @param expectedChainId when non-null, InitChain with another chain id halts the app
   */
  public LedgerApp(StateStore store, String expectedChainId) {
    this.store = store;
    this.expectedChainId = expectedChainId;
    StateStore.Loaded loaded = store.load();
    this.committed = new StateTree(loaded.entries(), loaded.height(), loaded.appHash());
    if (loaded.height() > 0 && !java.util.Arrays.equals(committed.root(), loaded.appHash())) {
      throw new IllegalStateException("the ledger store is corrupt: its state hashes to "
          + Keys.hex(committed.root()) + " but height " + loaded.height() + " committed " + Keys.hex(loaded.appHash()));
    }
    Ledger view = new Ledger(Kv.readOnly(committed.dataForOverlay()));
    this.chainId = view.chainId();
    this.params = view.params();
    if (chainId != null && expectedChainId != null && !chainId.equals(expectedChainId)) {
      throw new IllegalStateException("the ledger store belongs to chain '" + chainId + "', not '" + expectedChainId + "'");
    }
    this.stateless = new StatelessValidator(() -> chainId, () -> params, 50_000);
    this.queries = new LedgerQueries(committed);
    resetCheckState();
    LOG.info("ledger loaded: chain {}, height {}, app hash {}, {} state entries",
        chainId, loaded.height(), Keys.hex(loaded.appHash()), loaded.entries().size());
  }

  private void resetCheckState() {
    checkState = new Overlay(committed.dataForOverlay());
    checkLedger = new Ledger(checkState);
  }

  /** The committed height. */
  public long height() {
    return committed.height();
  }

  /** The committed app hash. */
  public byte[] appHash() {
    return committed.appHash();
  }

  // ---------------------------------------------------------------- info, genesis

  @Override
  public ResponseInfo info(RequestInfo request) {
    LOG.info("Info from CometBFT {} (block protocol {}, ABCI {}): at height {}", request.getVersion(),
        request.getBlockVersion(), request.getAbciVersion(), committed.height());
    return ResponseInfo.newBuilder()
        .setData("deltachain")
        .setVersion(VERSION)
        .setAppVersion(APP_VERSION)
        .setLastBlockHeight(committed.height())
        .setLastBlockAppHash(ByteString.copyFrom(committed.height() == 0 ? new byte[0] : committed.appHash()))
        .build();
  }

  @Override
  public ResponseInitChain initChain(RequestInitChain request) {
    if (committed.height() != 0) {
      throw new IllegalStateException("InitChain at committed height " + committed.height());
    }
    if (expectedChainId != null && !expectedChainId.equals(request.getChainId())) {
      throw new IllegalStateException("genesis chain id '" + request.getChainId() + "' differs from the configured '"
          + expectedChainId + "'");
    }
    GenesisState genesis = GenesisState.parse(request.getAppStateBytes().toByteArray());
    staged = new Overlay(committed.dataForOverlay());
    stagedLedger = new Ledger(staged);
    staged.put(Keys.CHAIN_ID, request.getChainId().getBytes(StandardCharsets.UTF_8));
    genesis.writeTo(stagedLedger);
    for (ValidatorUpdate v : request.getValidatorsList()) {
      if (v.getPubKey().getSumCase() != PublicKey.SumCase.ED25519 || v.getPubKey().getEd25519().size() != Ed25519.PUBLIC_KEY_LENGTH) {
        throw new IllegalStateException("genesis validator key is not a 32-byte ed25519 key: " + v.getPubKey().getSumCase());
      }
      stagedLedger.setValidatorPower(v.getPubKey().getEd25519().toByteArray(), v.getPower());
    }
    chainId = request.getChainId();
    params = genesis.params();
    stateless.clear();
    stagedHeight = request.getInitialHeight() - 1;
    stagedAppHash = committed.rootWith(staged.writes());
    // Until block 1 commits, CheckTx must already see the genesis (coordinators, validators).
    resetCheckState();
    staged.writes().forEach((k, v) -> {
      if (v != null) {
        checkState.put(k, v);
      }
    });
    LOG.info("InitChain: chain {}, {} validators, {} coordinators, app hash {}", chainId,
        request.getValidatorsCount(), genesis.coordinators().size(), Keys.hex(stagedAppHash));
    // Validators left empty: CometBFT keeps the genesis set, which the ledger mirrors.
    return ResponseInitChain.newBuilder().setAppHash(ByteString.copyFrom(stagedAppHash)).build();
  }

  // ---------------------------------------------------------------- mempool

  /** The stateless checks (signature included), run in parallel by the server's precheck pool. */
  @Override
  public Object precheckTx(RequestCheckTx request) {
    return stateless.check(request.getTx().toByteArray());
  }

  @Override
  public ResponseCheckTx checkTx(RequestCheckTx request) {
    return checkTx(request, null);
  }

  @Override
  public ResponseCheckTx checkTx(RequestCheckTx request, Object precheck) {
    StatelessValidator.Outcome outcome = precheck instanceof StatelessValidator.Outcome o
        ? o : stateless.check(request.getTx().toByteArray());
    if (!outcome.ok()) {
      return checkTxResponse(outcome.result());
    }
    ParsedTx tx = outcome.tx();
    ValidationResult r = TxHandlers.validate(checkLedger, tx, new BlockInfo(committed.height() + 1, lastBlockTimeSeconds));
    if (r.ok()) {
      // Later transactions of this signer in the mempool must carry higher nonces.
      checkLedger.setNonce(tx.signer(), tx.envelope().getNonce());
    }
    return checkTxResponse(r);
  }

  private static ResponseCheckTx checkTxResponse(ValidationResult r) {
    ResponseCheckTx.Builder b = ResponseCheckTx.newBuilder().setCode(r.code().code()).setLog(r.log());
    if (!r.ok()) {
      b.setCodespace(CODESPACE);
    }
    return b.build();
  }

  @Override
  public int internalErrorCode() {
    return TxCode.INTERNAL_ERROR.code();
  }

  // ---------------------------------------------------------------- proposals

  /**
   * Keeps the mempool's order, drops transactions that fail the stateless checks, and stops
   * adding once the proto-encoded size (1 tag byte + varint length + bytes per transaction)
   * would exceed {@code max_tx_bytes}.
   */
  @Override
  public ResponsePrepareProposal prepareProposal(RequestPrepareProposal request) {
    ResponsePrepareProposal.Builder b = ResponsePrepareProposal.newBuilder();
    long budget = request.getMaxTxBytes();
    long used = 0;
    for (ByteString tx : request.getTxsList()) {
      long size = encodedSize(tx.size());
      if (used + size > budget) {
        continue;
      }
      if (!stateless.check(tx.toByteArray()).ok()) {
        continue;
      }
      used += size;
      b.addTxs(tx);
    }
    return b.build();
  }

  private static List<byte[]> rawTxs(List<ByteString> txs) {
    List<byte[]> raws = new ArrayList<>(txs.size());
    for (ByteString tx : txs) {
      raws.add(tx.toByteArray());
    }
    return raws;
  }

  /** Proto-encoded size of one repeated-bytes element. */
  static long encodedSize(int len) {
    int varint = 1;
    for (long v = len; v >= 0x80; v >>>= 7) {
      varint++;
    }
    return 1L + varint + len;
  }

  /** Rejects a block carrying any transaction that fails the stateless checks; otherwise accepts. */
  @Override
  public ResponseProcessProposal processProposal(RequestProcessProposal request) {
    for (StatelessValidator.Outcome o : stateless.checkAll(rawTxs(request.getTxsList()))) {
      if (!o.ok()) {
        LOG.warn("rejecting proposal at height {} from {}: {}", request.getHeight(),
            Keys.addr(request.getProposerAddress().toByteArray()), o.result());
        return ResponseProcessProposal.newBuilder().setStatus(ResponseProcessProposal.ProposalStatus.REJECT).build();
      }
    }
    return ResponseProcessProposal.newBuilder().setStatus(ResponseProcessProposal.ProposalStatus.ACCEPT).build();
  }

  // ---------------------------------------------------------------- blocks

  @Override
  public ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock request) {
    if (chainId == null) {
      throw new IllegalStateException("FinalizeBlock before InitChain (empty store but CometBFT has blocks?)");
    }
    long height = request.getHeight();
    if (staged == null) {
      if (height != committed.height() + 1) {
        throw new IllegalStateException("FinalizeBlock at height " + height + " after committed height " + committed.height());
      }
      staged = new Overlay(committed.dataForOverlay());
      stagedLedger = new Ledger(staged);
    } else if (stagedHeight + 1 != height) {
      throw new IllegalStateException("FinalizeBlock at height " + height + " but staged state is at " + stagedHeight);
    }
    BlockInfo block = new BlockInfo(height, request.getTime().getSeconds());
    Ledger ledger = stagedLedger;
    List<Event> blockEvents = new ArrayList<>();
    TxHandlers.expireDeltas(ledger, block, blockEvents);
    ResponseFinalizeBlock.Builder out = ResponseFinalizeBlock.newBuilder();
    int failed = 0;
    // Signatures of transactions this node has not seen in CheckTx (replay, catch-up) verify in parallel.
    List<StatelessValidator.Outcome> outcomes = stateless.checkAll(rawTxs(request.getTxsList()));
    for (StatelessValidator.Outcome outcome : outcomes) {
      ExecTxResult r = execute(ledger, outcome, block);
      if (r.getCode() != 0) {
        failed++;
      }
      out.addTxResults(r);
    }
    ledger.validatorUpdates().forEach((addr, v) -> out.addValidatorUpdates(ValidatorUpdate.newBuilder()
        .setPubKey(PublicKey.newBuilder().setEd25519(ByteString.copyFrom(v.pubKey)))
        .setPower(v.power)));
    stagedHeight = height;
    stagedAppHash = committed.rootWith(staged.writes());
    lastBlockTimeSeconds = block.timeSeconds();
    out.addAllEvents(blockEvents).setAppHash(ByteString.copyFrom(stagedAppHash));
    if (LOG.isDebugEnabled() || request.getTxsCount() > 0) {
      LOG.debug("FinalizeBlock {}: {} txs ({} failed), {} writes, app hash {}", height, request.getTxsCount(), failed,
          staged.writes().size(), Keys.hex(stagedAppHash));
    }
    return out.build();
  }

  /** One transaction: stateless checks, nonce, body rules, then the state transition. */
  private ExecTxResult execute(Ledger ledger, StatelessValidator.Outcome outcome, BlockInfo block) {
    if (!outcome.ok()) {
      return failed(outcome.result());
    }
    ParsedTx tx = outcome.tx();
    ValidationResult r = TxHandlers.validate(ledger, tx, block);
    if (r.code() != TxCode.NONCE_REPLAYED) {
      // The nonce is spent even when the body's rules fail, so the same signed bytes can never apply later.
      ledger.setNonce(tx.signer(), tx.envelope().getNonce());
    }
    if (!r.ok()) {
      return failed(r);
    }
    TxEffects fx = new TxEffects();
    TxHandlers.apply(ledger, tx, block, fx);
    return ExecTxResult.newBuilder().setCode(0).setData(ByteString.copyFrom(fx.data)).setLog(fx.log)
        .addAllEvents(fx.events).build();
  }

  private static ExecTxResult failed(ValidationResult r) {
    return ExecTxResult.newBuilder().setCode(r.code().code()).setLog(r.log()).setCodespace(CODESPACE).build();
  }

  @Override
  public ResponseCommit commit(RequestCommit request) {
    if (staged == null) {
      throw new IllegalStateException("Commit without a finalized block at height " + (committed.height() + 1));
    }
    NavigableMap<String, byte[]> writes = staged.writes();
    store.commit(stagedHeight, stagedAppHash, writes);
    committed.apply(writes, stagedHeight, stagedAppHash);
    staged = null;
    stagedLedger = null;
    resetCheckState();
    return ResponseCommit.newBuilder().setRetainHeight(0).build();
  }

  // ---------------------------------------------------------------- queries

  @Override
  public ResponseQuery query(RequestQuery request) {
    return queries.query(request);
  }

  /** A snapshot copy of the committed entries (tests compare nodes with it). */
  public NavigableMap<String, byte[]> committedEntries() {
    return new TreeMap<>(committed.data());
  }
}
