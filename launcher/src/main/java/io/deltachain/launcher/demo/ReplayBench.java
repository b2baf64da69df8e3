package io.deltachain.launcher.demo;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.abci.node.LocalNet;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.launcher.wiring.BlockPollingFeed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How fast a service catches up with a chain from height 1 (what the round service and every
 * validator do when they restart): a one-validator CometBFT chain makes {@code blocks} blocks,
 * then {@link BlockPollingFeed}s replay them, one block request at a time and with the fetch
 * window, alternating in this process, and the blocks per second of each are printed with their
 * ratio.
 */
public final class ReplayBench {
  private final PrintStream out;

  /** @param out where progress and the table go */
  public ReplayBench(PrintStream out) {
    this.out = out;
  }

  /**
   * One measurement.
   *
   * @param window blocks requested at once
   * @param blocks blocks replayed
   * @param seconds wall time of the replay
   */
  public record Run(int window, long blocks, double seconds) {
    /** Blocks per second. */
    public double rate() {
      return blocks / seconds;
    }
  }

  /**
   * Makes the chain and replays it.
   *
   * @param blocks chain length to replay
   * @param repeats replays per window
   */
  public List<Run> run(int blocks, int repeats) throws Exception {
    Path dir = Files.createTempDirectory("deltachain-replay-bench");
    JsonObject appState = new JsonObject().put("coordinators", new JsonArray().add(NodeKey.generate().addressHex()))
        .put("validator_allowlist", new JsonObject());
    Vertx vertx = Vertx.vertx();
    try (LocalNet net = LocalNet.create(new LocalNet.Options(1, dir, "replay-bench", appState, "5ms", "1s", true,
        LocalNet.AppMode.IN_PROCESS, "error"))) {
      net.start();
      ChainClient chain = new ChainClient(vertx, net.node(0).rpcUrl());
      long height = 0;
      long started = System.nanoTime();
      long lastSaid = 0;
      while (height < blocks) {
        Thread.sleep(500);
        try {
          height = Devnet.await(chain.status(), 30).latestHeight();
        } catch (RuntimeException e) {
          if (height == 0 && System.nanoTime() - started > 60_000_000_000L) {
            throw new IllegalStateException("the CometBFT node's RPC did not come up within 60 s", e);
          }
          continue; // the RPC listens a moment after the process starts
        }
        if (height - lastSaid >= 500 || height >= blocks) {
          lastSaid = height;
          out.printf(Locale.ROOT, "[bench] chain at height %d of %d (%.0f s)%n", height, blocks,
              (System.nanoTime() - started) / 1e9);
        }
      }
      List<Run> runs = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        for (int window : new int[] {1, BlockPollingFeed.FETCH_WINDOW}) {
          // a fresh feed replays from height 1 up to the height the node had when it started
          BlockPollingFeed feed = new BlockPollingFeed(vertx, chain, 3_600_000, window);
          long t0 = System.nanoTime();
          long reached = Devnet.await(feed.start(), 600);
          double seconds = (System.nanoTime() - t0) / 1e9;
          feed.stop();
          runs.add(new Run(window, reached, seconds));
          out.printf(Locale.ROOT, "[bench] window %2d: %d blocks in %.2f s%n", window, reached, seconds);
        }
      }
      return runs;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temp directory left behind is harmless
    }
  }

  /** The table: median rate per window and the ratio against one block at a time. */
  public static String table(List<Run> runs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-22s | %8s | %12s | %12s | %s%n", "replay from height 1", "blocks",
        "median s", "blocks/s", "vs window 1"));
    double base = median(runs, 1);
    for (int window : new int[] {1, BlockPollingFeed.FETCH_WINDOW}) {
      double s = median(runs, window);
      long blocks = runs.stream().filter(r -> r.window() == window).mapToLong(Run::blocks).max().orElse(0);
      sb.append(String.format(Locale.ROOT, "%-22s | %8d | %12.2f | %12.0f | %.2fx%n",
          window == 1 ? "one block at a time" : "window of " + window, blocks, s, blocks / s, base / s));
    }
    sb.append("one CometBFT v0.38.25 validator on loopback, block and block_results over JSON-RPC per height\n");
    return sb.toString();
  }

  private static double median(List<Run> runs, int window) {
    double[] s = runs.stream().filter(r -> r.window() == window).mapToDouble(Run::seconds).sorted().toArray();
    return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
