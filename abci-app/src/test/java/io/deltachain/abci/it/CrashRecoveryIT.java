package io.deltachain.abci.it;

import static io.deltachain.abci.it.ChainFixture.await;
import static io.deltachain.abci.it.ChainFixture.commit;
import static io.deltachain.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.client.ChainEvent;
import io.deltachain.abci.client.EventSubscription;
import io.deltachain.abci.client.TxSigner;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.Capabilities;
import io.deltachain.core.tx.proto.NodeRole;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 3, must-show 3: the abci-app JVM is killed with SIGKILL, CometBFT stops by itself (as
 * it does when its application dies), both are restarted, and the app reports the same height
 * and app hash it had committed, then the chain keeps going. Blocks are made only with
 * transactions here, so an idle chain can be compared exactly.
 */
class CrashRecoveryIT {
  private static final String CHAIN = "deltachain-it-crash";
  private static final NodeKey COORDINATOR = ChainFixture.key(21);
  private static final NodeKey TRAINER = ChainFixture.key(22);
  private static Vertx vertx;
  private static LocalNet net;
  private static ChainClient client;

  @BeforeAll
  static void startNetwork() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("deltachain-crash-");
    net = LocalNet.create(new LocalNet.Options(1, dir, CHAIN, ChainFixture.appState(COORDINATOR), "200ms", "1s", false,
        LocalNet.AppMode.SEPARATE_JVM, "info"));
    net.start();
    client = new ChainClient(vertx, net.node(0).rpcUrl());
    ChainFixture.awaitHeight(client, 1, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopNetwork() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
      if (net != null) {
        net.close();
        net.deleteDirectory();
      }
    } finally {
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }
  }

  /** Waits until the height has not moved for 1.5 s and returns it. */
  private static long idleHeight() {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    eventually(Duration.ofSeconds(30), "an idle chain", () -> {
      long h = ChainFixture.height(client);
      if (h != last[0]) {
        last[0] = h;
        since[0] = System.nanoTime();
        return false;
      }
      return System.nanoTime() - since[0] > 1_500_000_000L;
    });
    return last[0];
  }

  private static void crashAndRestart() throws Exception {
    LocalNet.Node node = net.node(0);
    node.killApp(); // SIGKILL
    // CometBFT halts itself once it next uses a dead app connection; on a loaded machine that can
    // take long, and an operator restarts both anyway (docs/operators.md), so stop it if it lingers.
    if (!node.awaitCometExit(Duration.ofSeconds(20))) {
      node.stopComet();
    }
    assertThat(node.cometAlive()).as("CometBFT is down before the app restarts").isFalse();
    node.startApp();
    node.startComet();
    eventually(Duration.ofSeconds(60), "the RPC after restart", () -> ChainFixture.height(client) >= 1);
  }

  @Test
  @DisplayName("kill -9 of an idle app: it restarts at the same height and app hash, then keeps going")
  void killIdleApp() throws Exception {
    TxSigner coordinator = new TxSigner(COORDINATOR, CHAIN, 0);
    TxSigner trainer = new TxSigner(TRAINER, CHAIN, 0);
    commit(client, coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0));
    commit(client, trainer.registerNode(NodeRole.TRAINER, "t", Capabilities.getDefaultInstance(), 0));
    commit(client, coordinator.startRound(ChainFixture.round("crash-1", 100_000, 100_000)));
    for (int i = 0; i < 5; i++) {
      commit(client, trainer.submitDelta(ChainFixture.delta("crash-1", "idle-" + i, new byte[0])));
    }
    long h = idleHeight();
    ChainClient.AbciInfo before = await(client.abciInfo());
    assertThat(before.lastBlockHeight()).isEqualTo(h);
    // A subscription opened before the crash must come back by itself after the node restarts.
    java.util.List<ChainEvent> deltaEvents = new java.util.concurrent.CopyOnWriteArrayList<>();
    EventSubscription sub = client.subscribe("tm.event='Tx' AND delta.round='crash-1'", deltaEvents::add);
    eventually(Duration.ofSeconds(10), "the subscription", sub::connected);

    crashAndRestart();
    String ready = net.node(0).appReadyLine();
    assertThat(ready).as("what the restarted app loaded from RocksDB")
        .contains("height=" + before.lastBlockHeight())
        .contains("app_hash=" + HexFormat.of().formatHex(before.lastBlockAppHash()));
    ChainClient.AbciInfo after = await(client.abciInfo());
    assertThat(after.lastBlockHeight()).isEqualTo(before.lastBlockHeight());
    assertThat(after.lastBlockAppHash()).isEqualTo(before.lastBlockAppHash());
    assertThat(await(client.queryJson("/round/crash-1")).getLong("delta_count")).isEqualTo(5);

    try {
      eventually(Duration.ofSeconds(30), "the subscription to reconnect", () -> sub.connected() && sub.connects() >= 2);
      ChainClient.CommitResult next = commit(client, trainer.submitDelta(ChainFixture.delta("crash-1", "after", new byte[0])));
      assertThat(next.height()).isGreaterThan(before.lastBlockHeight());
      assertThat(await(client.queryJson("/round/crash-1")).getLong("delta_count")).isEqualTo(6);
      eventually(Duration.ofSeconds(10), "the post-restart delta event", () -> deltaEvents.stream()
          .anyMatch(e -> next.hash().equalsIgnoreCase(e.first("tx.hash"))));
    } finally {
      sub.close();
    }
  }

  @Test
  @DisplayName("kill -9 in the middle of a stream of transactions: the app's state matches the chain's app hash and the chain continues")
  void killMidRun() throws Exception {
    TxSigner coordinator = new TxSigner(COORDINATOR, CHAIN, await(client.lastNonce(COORDINATOR.address())));
    if (coordinator.lastNonce() == 0) {
      commit(client, coordinator.registerNode(NodeRole.COORDINATOR, "c", Capabilities.getDefaultInstance(), 0));
    }
    commit(client, coordinator.startRound(ChainFixture.round("crash-2", 100_000, 100_000)));
    NodeKey streamer = ChainFixture.key(23);
    TxSigner trainer = new TxSigner(streamer, CHAIN, 0);
    commit(client, trainer.registerNode(NodeRole.TRAINER, "streamer", Capabilities.getDefaultInstance(), 0));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger accepted = new AtomicInteger();
    Thread load = new Thread(() -> {
      int i = 0;
      while (running.get()) {
        try {
          if (await(client.broadcastTxSync(trainer.submitDelta(ChainFixture.delta("crash-2", "run-" + i++, new byte[0])))).ok()) {
            accepted.incrementAndGet();
          }
        } catch (RuntimeException | AssertionError e) {
          // the node is down while it restarts
        }
      }
    }, "crash-load");
    load.start();
    try {
      eventually(Duration.ofSeconds(30), "some load", () -> accepted.get() >= 30);
      crashAndRestart();
    } finally {
      running.set(false);
      load.join(30_000);
    }
    // Let the mempool drain (transactions accepted after the restart commit), then compare:
    // the restarted app's committed state equals what the chain agreed for that height.
    idleHeight();
    ChainClient.AbciInfo info = await(client.abciInfo());
    TxSigner more = new TxSigner(streamer, CHAIN, await(client.lastNonce(streamer.address())));
    ChainClient.CommitResult next = commit(client, more.submitDelta(ChainFixture.delta("crash-2", "post-crash", new byte[0])));
    assertThat(next.height()).isGreaterThan(info.lastBlockHeight());
    String header = await(client.headerAppHash(info.lastBlockHeight() + 1));
    assertThat(HexFormat.of().formatHex(info.lastBlockAppHash())).isEqualToIgnoringCase(header);
    long deltas = await(client.queryJson("/round/crash-2")).getLong("delta_count");
    assertThat(deltas).as("deltas committed before the crash survive, plus the new one").isGreaterThanOrEqualTo(2);
  }
}
