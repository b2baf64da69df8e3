package io.deltachain.abci.bench;

import com.google.protobuf.ByteString;
import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.ChainEvent;
import io.deltachain.abci.client.EventSubscription;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.AggregationMethod;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.deltachain.core.tx.proto.ProposeCheckpoint;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TrainingMode;
import io.deltachain.core.tx.proto.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * End-to-end benchmark through real CometBFT nodes on loopback, printing one table:
 *
 * <ul>
 *   <li>one validator: SubmitDelta transactions, then verdict transactions (one verdict each),
 *       submitted in JSON-RPC batches in nonce order; transactions per second from the first
 *       submission to the last commit, and inclusion latency (submission to the NewBlock event
 *       that carries the transaction) at p50 and p99;
 *   <li>four validators: SubmitDelta transactions the same way; then each validator sends one
 *       VerdictBatch with its verdicts on every delta; then a checkpoint is proposed and voted;
 *       the time from the last verdict's submission to the committed checkpoint (head moved)
 *       is reported.
 * </ul>
 *
 * Bounded: every wait has a deadline ({@code --max-seconds}); every process is stopped at
 * the end. Run with {@code abci-app/bench.sh}.
 */
public final class AbciBench {
  private static final String LAYER = "model.layers.0.mlp.down_proj";

  private final Vertx vertx = Vertx.vertx();
  private final List<String[]> rows = new ArrayList<>();
  private final long maxSeconds;
  private final int batch;

  private AbciBench(long maxSeconds, int batch) {
    this.maxSeconds = maxSeconds;
    this.batch = batch;
  }

  /**
   * {@code --nodes 0|1|4|both} (both; 0 = the app alone), {@code --txs N} (3000, one-node stream length),
   * {@code --deltas D} (2000, four-validator deltas), {@code --timeout-commit-1 D} (200ms),
   * {@code --timeout-commit-4 D} (150ms), {@code --batch B} (200 txs per RPC batch),
   * {@code --max-seconds S} (180 per phase).
   */
  public static void main(String[] args) throws Exception {
    String nodes = "both";
    int txs = 3000;
    int deltas = 2000;
    String tc1 = "200ms";
    String tc4 = "150ms";
    int batch = 200;
    long maxSeconds = 180;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = args[i + 1];
        case "--txs" -> txs = Integer.parseInt(args[i + 1]);
        case "--deltas" -> deltas = Integer.parseInt(args[i + 1]);
        case "--timeout-commit-1" -> tc1 = args[i + 1];
        case "--timeout-commit-4" -> tc4 = args[i + 1];
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AbciBench bench = new AbciBench(maxSeconds, batch);
    int status = 0;
    try {
      bench.appAlone(txs);
      if (nodes.equals("0")) {
        return;
      }
      if (!nodes.equals("4")) {
        bench.oneNode(txs, tc1);
      }
      if (!nodes.equals("1")) {
        bench.fourValidators(deltas, tc4);
      }
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      bench.print();
      bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  // ---------------------------------------------------------------- scenarios

  /**
   * The ledger alone, through the server's dispatcher but without CometBFT: CheckTx of
   * {@code n} verdict transactions (stateless checks on the precheck pool, stateful part on the
   * app thread), then one FinalizeBlock + Commit executing them. Shows what the app can take.
   */
  private void appAlone(int n) throws Exception {
    String chain = "bench-app";
    NodeKey validatorKey = key(40);
    NodeKey coordKey = key(41);
    NodeKey trainerKey = key(42);
    io.deltachain.abci.ledger.LedgerApp app = new io.deltachain.abci.ledger.LedgerApp(
        new io.deltachain.abci.store.MemoryStateStore(), chain);
    io.deltachain.abci.server.AbciDispatcher dispatcher = new io.deltachain.abci.server.AbciDispatcher(app,
        (reason, cause) -> { throw new IllegalStateException(reason, cause); });
    try {
      JsonObject appState = new JsonObject().put("coordinators", new JsonArray().add(coordKey.addressHex()))
          .put("params", new JsonObject().put("max_verdicts_per_batch", 100_000));
      app.initChain(io.deltachain.abci.proto.RequestInitChain.newBuilder().setChainId(chain).setInitialHeight(1)
          .setAppStateBytes(ByteString.copyFromUtf8(appState.encode()))
          .addValidators(io.deltachain.abci.proto.ValidatorUpdate.newBuilder().setPower(10)
              .setPubKey(io.deltachain.abci.proto.crypto.PublicKey.newBuilder()
                  .setEd25519(ByteString.copyFrom(validatorKey.publicKey())))).build());
      TxSigner coordinator = new TxSigner(coordKey, chain, 0);
      TxSigner trainer = new TxSigner(trainerKey, chain, 0);
      TxSigner validator = new TxSigner(validatorKey, chain, 0);
      List<byte[]> setup = new ArrayList<>(List.of(
          coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0),
          trainer.registerNode(NodeRole.TRAINER, "t", Capabilities.getDefaultInstance(), 0)));
      appBlock(app, 1, setup);
      appBlock(app, 2, List.of(coordinator.startRound(round("alone", 1_000_000))));
      List<byte[]> deltas = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        deltas.add(trainer.submitDelta(delta("alone", "a" + i)));
      }
      appBlock(app, 3, deltas);
      List<byte[]> verdicts = new ArrayList<>();
      for (byte[] d : deltas) {
        verdicts.add(validator.verdicts(List.of(TxSigner.verdict(ContentHash.sha256(d).bytes(), true, 1))));
      }
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(verdicts.size());
      java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
      long t0 = System.nanoTime();
      for (byte[] v : verdicts) {
        dispatcher.submit(io.deltachain.abci.proto.Request.newBuilder().setCheckTx(
            io.deltachain.abci.proto.RequestCheckTx.newBuilder().setTx(ByteString.copyFrom(v))).build(), r -> {
              if (r.getCheckTx().getCode() != 0) {
                refused.incrementAndGet();
              }
              done.countDown();
            });
      }
      if (!done.await(maxSeconds, TimeUnit.SECONDS) || refused.get() > 0) {
        throw new IllegalStateException("app-alone CheckTx: " + refused.get() + " refused or timed out");
      }
      long t1 = System.nanoTime();
      appBlock(app, 4, verdicts);
      long t2 = System.nanoTime();
      rows.add(new String[] {"app alone (no CometBFT), " + Runtime.getRuntime().availableProcessors() + " cores",
          "CheckTx of verdict txs", Integer.toString(n), String.format(Locale.ROOT, "%.2f", (t1 - t0) / 1e9),
          String.format(Locale.ROOT, "%.0f", n / ((t1 - t0) / 1e9)), "", "", "signature checks on the precheck pool"});
      rows.add(new String[] {"app alone (no CometBFT)", "FinalizeBlock + Commit of them", Integer.toString(n),
          String.format(Locale.ROOT, "%.2f", (t2 - t1) / 1e9), String.format(Locale.ROOT, "%.0f", n / ((t2 - t1) / 1e9)),
          "", "", "signatures cached by CheckTx"});
    } finally {
      dispatcher.close();
    }
  }

  private static void appBlock(io.deltachain.abci.ledger.LedgerApp app, long height, List<byte[]> txs) {
    io.deltachain.abci.proto.RequestFinalizeBlock.Builder b = io.deltachain.abci.proto.RequestFinalizeBlock.newBuilder()
        .setHeight(height);
    txs.forEach(t -> b.addTxs(ByteString.copyFrom(t)));
    io.deltachain.abci.proto.ResponseFinalizeBlock r = app.finalizeBlock(b.build());
    for (io.deltachain.abci.proto.ExecTxResult x : r.getTxResultsList()) {
      if (x.getCode() != 0) {
        throw new IllegalStateException("app-alone block " + height + ": " + x.getLog());
      }
    }
    app.commit(io.deltachain.abci.proto.RequestCommit.getDefaultInstance());
  }

  private void oneNode(int n, String timeoutCommit) throws Exception {
    String chain = "bench-1";
    NodeKey coord = key(1);
    NodeKey trainerKey = key(2);
    try (Net net = new Net(1, chain, coord, timeoutCommit)) {
      ChainClient c = net.clients.get(0);
      TxSigner validator = new TxSigner(net.net.node(0).validatorKey, chain, 0);
      TxSigner coordinator = new TxSigner(coord, chain, 0);
      TxSigner trainer = new TxSigner(trainerKey, chain, 0);
      commit(c, coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0));
      commit(c, trainer.registerNode(NodeRole.TRAINER, "t", Capabilities.getDefaultInstance(), 0));
      commit(c, coordinator.startRound(round("bench", 1_000_000)));

      List<byte[]> submits = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        submits.add(trainer.submitDelta(delta("bench", "d" + i)));
      }
      Stream s1 = stream(net, c, submits);
      rows.add(s1.row("1 validator, timeout_commit " + timeoutCommit, "SubmitDelta"));

      long t0 = System.nanoTime();
      List<byte[]> verdicts = new ArrayList<>();
      for (byte[] s : submits) {
        verdicts.add(validator.verdicts(List.of(TxSigner.verdict(ContentHash.sha256(s).bytes(), true, 900_000))));
      }
      double signMs = (System.nanoTime() - t0) / 1e6;
      Stream s2 = stream(net, c, verdicts);
      rows.add(s2.row("1 validator, timeout_commit " + timeoutCommit, "VerdictBatch (1 verdict each)"));
      long accepted = await(c.queryJson("/node/" + trainerKey.addressHex())).getLong("accepted_deltas");
      rows.add(new String[] {"1 validator", "check: deltas ACCEPTED", Long.toString(accepted), "", "", "", "",
          String.format(Locale.ROOT, "signing %d verdict txs took %.0f ms (excluded)", n, signMs)});
      if (accepted != n) {
        throw new IllegalStateException("only " + accepted + " of " + n + " deltas were accepted");
      }
    }
  }

  private void fourValidators(int d, String timeoutCommit) throws Exception {
    String chain = "bench-4";
    NodeKey coord = key(11);
    NodeKey trainerKey = key(12);
    try (Net net = new Net(4, chain, coord, timeoutCommit)) {
      ChainClient c = net.clients.get(0);
      List<TxSigner> validators = new ArrayList<>();
      for (LocalNet.Node node : net.net.nodes()) {
        validators.add(new TxSigner(node.validatorKey, chain, 0));
      }
      TxSigner coordinator = new TxSigner(coord, chain, 0);
      TxSigner trainer = new TxSigner(trainerKey, chain, 0);
      commitEverywhere(net, c, coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0));
      commitEverywhere(net, c, trainer.registerNode(NodeRole.TRAINER, "t", Capabilities.getDefaultInstance(), 0));
      commitEverywhere(net, c, coordinator.startRound(round("bench4", 1_000_000)));

      List<byte[]> submits = new ArrayList<>();
      List<byte[]> ids = new ArrayList<>();
      for (int i = 0; i < d; i++) {
        byte[] tx = trainer.submitDelta(delta("bench4", "e" + i));
        submits.add(tx);
        ids.add(ContentHash.sha256(tx).bytes());
      }
      Stream s1 = stream(net, c, submits);
      rows.add(s1.row("4 validators, timeout_commit " + timeoutCommit, "SubmitDelta"));
      awaitAllHeights(net, s1.lastHeight);

      // One VerdictBatch per validator, each carrying a verdict on every delta, through its own node.
      List<byte[]> batches = new ArrayList<>();
      for (TxSigner v : validators) {
        List<Verdict> vs = new ArrayList<>();
        for (byte[] id : ids) {
          vs.add(TxSigner.verdict(id, true, 800_000));
        }
        batches.add(v.verdicts(vs));
      }
      long tSubmit = System.nanoTime();
      List<Future<ChainClient.BroadcastResult>> sent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sent.add(net.clients.get(i).broadcastTxSync(batches.get(i)));
      }
      for (Future<ChainClient.BroadcastResult> f : sent) {
        ChainClient.BroadcastResult r = await(f);
        if (!r.ok()) {
          throw new IllegalStateException("verdict batch refused: " + r.log());
        }
      }
      long tLastVerdict = System.nanoTime();
      // Validator 0 proposes as soon as every delta is ACCEPTED on its node; validators 1 and 2 vote.
      byte[] last = ids.get(ids.size() - 1);
      until("all deltas accepted", () -> "ACCEPTED".equals(await(c.queryJson("/delta/" + hex(last))).getString("status"))
          && await(c.queryJson("/node/" + trainerKey.addressHex())).getLong("accepted_deltas") == d);
      long tAccepted = System.nanoTime();
      byte[] ckpt = ContentHash.sha256(("bench-checkpoint-" + d).getBytes(StandardCharsets.UTF_8)).bytes();
      ProposeCheckpoint.Builder p = ProposeCheckpoint.newBuilder().setRoundId("bench4").setLayer(LAYER)
          .setCheckpointHash(ByteString.copyFrom(ckpt)).setCid("bafybench").setMethod(AggregationMethod.TRIMMED_MEAN);
      ids.forEach(id -> p.addContributingDeltas(ByteString.copyFrom(id)));
      ChainClient.CommitResult proposed = commit(c, validators.get(0).proposeCheckpoint(p.build()));
      awaitAllHeights(net, proposed.height());
      List<Future<ChainClient.BroadcastResult>> votes = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        votes.add(net.clients.get(i).broadcastTxSync(validators.get(i).checkpointVote("bench4", LAYER, ckpt)));
      }
      for (Future<ChainClient.BroadcastResult> f : votes) {
        if (!await(f).ok()) {
          throw new IllegalStateException("checkpoint vote refused");
        }
      }
      until("checkpoint head", () -> {
        ChainClient.QueryResult q = await(c.abciQuery("/layer/" + LAYER + "/head", null));
        return q.code() == 0 && q.json().getString("head").equals(hex(ckpt));
      });
      long tHead = System.nanoTime();
      rows.add(new String[] {"4 validators, timeout_commit " + timeoutCommit, "VerdictBatch (" + d + " verdicts each)", "4",
          "", "", ms(tAccepted - tSubmit), "", "4 txs carry " + (4 * d) + " verdicts; all " + d + " deltas ACCEPTED"});
      rows.add(new String[] {"4 validators, timeout_commit " + timeoutCommit, "last verdict -> checkpoint committed", "3",
          String.format(Locale.ROOT, "%.2f", (tHead - tLastVerdict) / 1e9), "", "", "", "propose + 2 votes, head moved"});
    }
  }

  // ---------------------------------------------------------------- plumbing

  /** A network plus one client per node and a NewBlock subscription on node 0 recording commit times by tx hash. */
  private final class Net implements AutoCloseable {
    final LocalNet net;
    final List<ChainClient> clients = new ArrayList<>();
    final Map<String, Long> committedAt = new ConcurrentHashMap<>();
    final Map<String, Long> heightOf = new ConcurrentHashMap<>();
    final EventSubscription blocks;
    final Path dir;

    Net(int validators, String chain, NodeKey coordinator, String timeoutCommit) throws Exception {
      dir = Files.createTempDirectory("deltachain-bench-");
      JsonObject appState = new JsonObject().put("coordinators", new JsonArray().add(coordinator.addressHex()))
          .put("params", new JsonObject().put("max_verdicts_per_batch", 100_000));
      net = LocalNet.create(new LocalNet.Options(validators, dir, chain, appState, timeoutCommit, "1s", true,
          LocalNet.AppMode.IN_PROCESS, "main:info,*:error"));
      try {
        net.start();
        for (LocalNet.Node n : net.nodes()) {
          clients.add(new ChainClient(vertx, n.rpcUrl(), 60_000));
        }
        until("first blocks", () -> await(clients.get(0).status()).latestHeight() >= 2);
        blocks = clients.get(0).subscribe("tm.event='NewBlock'", this::onBlock);
        until("block subscription", blocks::connected);
      } catch (RuntimeException | java.io.IOException e) {
        net.close();
        throw e;
      }
    }

    private void onBlock(ChainEvent e) {
      long now = System.nanoTime();
      long h = e.blockHeight();
      JsonArray txs = e.blockTxs();
      for (int i = 0; i < txs.size(); i++) {
        String hash = ContentHash.sha256(Base64.getDecoder().decode(txs.getString(i))).hex();
        committedAt.putIfAbsent(hash, now);
        heightOf.putIfAbsent(hash, h);
      }
    }

    @Override
    public void close() throws Exception {
      blocks.close();
      clients.forEach(ChainClient::close);
      net.close();
      net.deleteDirectory();
    }
  }

  /** Result of one stream of transactions. */
  private record Stream(int count, long firstSubmit, long lastCommit, List<Long> latenciesNanos, long lastHeight, long blocks,
      long sendNanos) {
    String[] row(String scenario, String phase) {
      List<Long> l = new ArrayList<>(latenciesNanos);
      Collections.sort(l);
      double seconds = (lastCommit - firstSubmit) / 1e9;
      return new String[] {scenario, phase, Integer.toString(count), String.format(Locale.ROOT, "%.2f", seconds),
          String.format(Locale.ROOT, "%.0f", count / seconds), ms(percentile(l, 50)), ms(percentile(l, 99)),
          blocks + " blocks; all sent in " + ms(sendNanos) + " ms"};
    }
  }

  /**
   * Streams pre-signed txs in nonce order with {@code broadcast_tx_async} JSON-RPC batches and
   * waits until each is in a block (a refused tx would never arrive: the wait then fails).
   */
  private Stream stream(Net net, ChainClient c, List<byte[]> txs) {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<String> hashes = new ArrayList<>();
    long first = System.nanoTime();
    for (int from = 0; from < txs.size(); from += batch) {
      List<byte[]> chunk = txs.subList(from, Math.min(txs.size(), from + batch));
      long t = System.nanoTime();
      await(c.broadcastTxAsyncBatch(chunk));
      for (byte[] tx : chunk) {
        String h = ContentHash.sha256(tx).hex();
        sentAt.put(h, t);
        hashes.add(h);
      }
    }
    long sent = System.nanoTime() - first;
    until("all " + txs.size() + " txs committed (" + txs.size() + " sent)",
        () -> hashes.stream().allMatch(net.committedAt::containsKey));
    List<Long> lat = new ArrayList<>();
    long lastCommit = 0;
    long lastHeight = 0;
    long minHeight = Long.MAX_VALUE;
    for (String h : hashes) {
      long at = net.committedAt.get(h);
      lat.add(at - sentAt.get(h));
      lastCommit = Math.max(lastCommit, at);
      lastHeight = Math.max(lastHeight, net.heightOf.get(h));
      minHeight = Math.min(minHeight, net.heightOf.get(h));
    }
    return new Stream(txs.size(), first, lastCommit, lat, lastHeight, lastHeight - minHeight + 1, sent);
  }

  private void awaitAllHeights(Net net, long h) {
    for (ChainClient c : net.clients) {
      until("height " + h, () -> await(c.status()).latestHeight() >= h);
    }
  }

  private ChainClient.CommitResult commit(ChainClient c, byte[] tx) {
    ChainClient.CommitResult r = await(c.broadcastTxCommit(tx));
    if (!r.ok()) {
      throw new IllegalStateException("setup tx failed: " + r.checkTx().log() + " " + r.txLog());
    }
    return r;
  }

  private void commitEverywhere(Net net, ChainClient c, byte[] tx) {
    awaitAllHeights(net, commit(c, tx).height());
  }

  /** Polls until {@code condition} holds; exceptions (a node still starting) count as "not yet". */
  private void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    RuntimeException last = null;
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("benchmark gave up after " + maxSeconds + " s waiting for " + what
            + (last == null ? "" : " (last error: " + last.getMessage() + ")"), last);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.toString(), e);
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.0f", nanos / 1e6);
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  private static NodeKey key(int n) {
    byte[] seed = new byte[32];
    seed[0] = (byte) n;
    seed[2] = 9;
    return NodeKey.fromSeed(seed);
  }

  private static StartRound round(String id, long blocks) {
    byte[] h = ContentHash.sha256(id.getBytes(StandardCharsets.UTF_8)).bytes();
    return StartRound.newBuilder().setRoundId(id).setModelId("bench").setPlanHash(ByteString.copyFrom(h))
        .setEvalSeed(1).setEvalSetHash(ByteString.copyFrom(h)).setShardCount(1).setTrainingBlocks(blocks)
        .setValidationBlocks(blocks).setAggregation(AggregationMethod.TRIMMED_MEAN)
        .setTraining(io.deltachain.core.tx.proto.TrainingSettings.newBuilder().setSteps(10).setBatchSize(4)
            .setSequenceLength(32).setLearningRateE9(1_000_000).setLoraAlphaMilli(8_000).setBaseModel("random:7")
            .setDataset("europarl:100").setDataSeed(7)).build();
  }

  private static SubmitDelta delta(String roundId, String content) {
    return SubmitDelta.newBuilder().setRoundId(roundId).setLayer(LAYER)
        .setContentHash(ByteString.copyFrom(ContentHash.sha256(content.getBytes(StandardCharsets.UTF_8)).bytes()))
        .setCid("bafy" + content).setSizeBytes(65_536).setMode(TrainingMode.LORA).setLoraRank(8).setTokens(4096).build();
  }

  private void print() {
    String[] header = {"scenario", "phase", "txs", "seconds", "tx/s", "p50 ms", "p99 ms", "notes"};
    int[] w = new int[header.length];
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder("\n");
    for (int k = 0; k < all.size(); k++) {
      String[] r = all.get(k);
      StringBuilder line = new StringBuilder("| ");
      for (int i = 0; i < r.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + w[i] + "s", r[i])).append(" | ");
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (k == 0) {
        StringBuilder sep = new StringBuilder("|");
        for (int width : w) {
          sep.append("-".repeat(width + 2)).append('|');
        }
        out.append(sep).append('\n');
      }
    }
    System.out.println(out);
  }
}
