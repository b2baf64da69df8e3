package io.deltachain.launcher.wiring;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.StartRound;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.validator.service.ChainFeed;
import io.deltachain.validator.service.CommittedDelta;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChainFeed} that reads every committed block of one CometBFT node in order ({@code block}
 * and {@code block_results} over JSON-RPC) and reports the successful SubmitDelta transactions,
 * then the block height. It also remembers every committed StartRound, so the round contexts can
 * be built from the plan exactly as committed. Polling (rather than the websocket) gives the
 * validator every block exactly once and in order, also after a reconnect.
 *
 * <p>Other followers of the chain (the round service's {@link CometRoundChain}) register for
 * every successful transaction with its ABCI events ({@link #onCommittedTx}) and for the block's
 * own events ({@link #onBlockEvents}), which carry what no transaction did (deltas that expired).
 */
public final class BlockPollingFeed implements ChainFeed {
  private static final Logger LOG = LoggerFactory.getLogger(BlockPollingFeed.class);

  private final Vertx vertx;
  private final ChainClient chain;
  private final long pollMillis;
  private final List<Handler<CommittedDelta>> deltaHandlers = new ArrayList<>();
  private final List<Handler<Long>> blockHandlers = new ArrayList<>();
  private final List<Handler<CommittedTx>> txHandlers = new ArrayList<>();
  private final List<Handler<BlockEvents>> blockEventHandlers = new ArrayList<>();
  private final io.vertx.core.Promise<Long> caughtUp = io.vertx.core.Promise.promise();
  private final Map<String, StartRound> rounds = new ConcurrentHashMap<>();
  private volatile long nextHeight = 1;
  private final int fetchWindow;
  private long timer = -1;
  private boolean busy;

  /** Follows {@code chain} from height 1, polling every {@code pollMillis}. */
  public BlockPollingFeed(Vertx vertx, ChainClient chain, long pollMillis) {
    this(vertx, chain, pollMillis, FETCH_WINDOW);
  }

  /** As above, with {@code fetchWindow} blocks requested at once while catching up (1 = one by one). */
  public BlockPollingFeed(Vertx vertx, ChainClient chain, long pollMillis, int fetchWindow) {
    if (fetchWindow < 1) {
      throw new IllegalArgumentException("fetch window must be at least 1, got " + fetchWindow);
    }
    this.vertx = vertx;
    this.chain = chain;
    this.pollMillis = pollMillis;
    this.fetchWindow = fetchWindow;
  }

  @Override
  public void onCommittedDelta(Handler<CommittedDelta> handler) {
    deltaHandlers.add(handler);
  }

  @Override
  public void onBlockCommitted(Handler<Long> handler) {
    blockHandlers.add(handler);
  }

  /**
   * One transaction that executed with code 0, in block order.
   *
   * @param height the block height
   * @param index the transaction's position in the block
   * @param raw the transaction bytes (their SHA-256 is CometBFT's tx hash and a delta's id)
   * @param envelope the parsed envelope
   * @param events the transaction's ABCI events as CometBFT reports them
   *     ({@code [{"type", "attributes": [{"key", "value", "index"}]}]})
   */
  public record CommittedTx(long height, int index, byte[] raw, TxEnvelope envelope, JsonArray events) {}

  /**
   * The events FinalizeBlock returned for the block itself (not for a transaction).
   *
   * @param height the block height
   * @param events {@code finalize_block_events}, same shape as a transaction's events
   */
  public record BlockEvents(long height, JsonArray events) {}

  /** Calls the handler for every transaction that executed successfully, before the block's height handler. */
  public void onCommittedTx(Handler<CommittedTx> handler) {
    txHandlers.add(handler);
  }

  /** Calls the handler with every block's own events, after its transactions and before its height handler. */
  public void onBlockEvents(Handler<BlockEvents> handler) {
    blockEventHandlers.add(handler);
  }

  /** The StartRound committed for a round, or null when none was seen yet. */
  public StartRound round(String roundId) {
    return rounds.get(roundId);
  }

  /** The next height this feed will read. */
  public long nextHeight() {
    return nextHeight;
  }

  /**
   * Starts polling (call from the verticle context that should receive the events).
   *
   * @return completes with the height of the first catch-up: every block committed before the
   *     call has been delivered by then
   */
  public Future<Long> start() {
    timer = vertx.setPeriodic(pollMillis, id -> poll());
    poll();
    return caughtUp.future();
  }

  /** Stops polling. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void poll() {
    if (busy) {
      return;
    }
    busy = true;
    chain.status().compose(s -> catchUp(s.latestHeight()).map(v -> s.latestHeight()))
        .onSuccess(caughtUp::tryComplete)
        .onFailure(this::pollFailed)
        .onComplete(ar -> busy = false);
  }

  private long lastWarning;

  /** A node that is down for a moment is normal; one that stays unreadable is worth a warning every 30 s. */
  private void pollFailed(Throwable e) {
    if (String.valueOf(e.getMessage()).contains("could not find results for height")) {
      // the block is committed but its results are not stored yet; the next poll gets them
      LOG.debug("chain feed on {}:{}: {}", chain.host(), chain.port(), e.toString());
      return;
    }
    long now = System.nanoTime();
    if (now - lastWarning > 30_000_000_000L) {
      lastWarning = now;
      LOG.warn("chain feed on {}:{} cannot read block {}: {}", chain.host(), chain.port(), nextHeight, e.toString());
    } else {
      LOG.debug("chain feed on {}:{}: {}", chain.host(), chain.port(), e.toString());
    }
  }

  /**
   * Blocks fetched at once while catching up. The RPC round trip, not the work per block, bounds a
   * replay from height 1 (a coordinator or validator restarting on a long chain), so a window of
   * requests in flight is delivered in order as it completes.
   */
  public static final int FETCH_WINDOW = 16;

  private Future<Void> catchUp(long latest) {
    if (nextHeight > latest) {
      return Future.succeededFuture();
    }
    long from = nextHeight;
    int n = (int) Math.min(fetchWindow, latest - from + 1);
    List<Future<io.vertx.core.CompositeFuture>> fetches = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      JsonObject params = new JsonObject().put("height", Long.toString(from + i));
      fetches.add(Future.all(chain.call("block", params), chain.call("block_results", params)));
    }
    return Future.join(fetches).transform(ignored -> {
      // in height order, up to the first block that could not be read (the next poll retries it)
      for (int i = 0; i < n; i++) {
        Future<io.vertx.core.CompositeFuture> f = fetches.get(i);
        if (f.failed()) {
          return Future.failedFuture(f.cause());
        }
        deliver(from + i, f.result().resultAt(0), f.result().resultAt(1));
        nextHeight = from + i + 1;
      }
      return catchUp(latest);
    });
  }

  private void deliver(long height, JsonObject block, JsonObject results) {
    byte[] blockHash = HexFormat.of().parseHex(block.getJsonObject("block_id").getString("hash").toLowerCase());
    JsonArray txs = block.getJsonObject("block").getJsonObject("data").getJsonArray("txs");
    JsonArray codes = results.getJsonArray("txs_results");
    if (txs != null) {
      for (int i = 0; i < txs.size(); i++) {
        int code = codes == null || codes.getValue(i) == null ? 0 : codes.getJsonObject(i).getInteger("code", 0);
        if (code != 0) {
          continue;
        }
        byte[] raw = Base64.getDecoder().decode(txs.getString(i));
        try {
          TxEnvelope env = TxEnvelope.parseFrom(raw);
          if (!txHandlers.isEmpty()) {
            JsonArray events = codes == null || codes.getValue(i) == null ? null
                : codes.getJsonObject(i).getJsonArray("events");
            events = events == null ? new JsonArray() : events;
            CommittedTx ct = new CommittedTx(height, i, raw, env, events);
            txHandlers.forEach(hd -> safely(hd, ct, height));
          }
          if (env.getBodyType() == BodyType.START_ROUND) {
            StartRound r = StartRound.parseFrom(env.getBody());
            rounds.put(r.getRoundId(), r);
          } else if (env.getBodyType() == BodyType.SUBMIT_DELTA) {
            SubmitDelta d = SubmitDelta.parseFrom(env.getBody());
            CommittedDelta cd = new CommittedDelta(height, ContentHash.sha256(raw).bytes(),
                NodeKey.addressOf(env.getSignerPubKey().toByteArray()), d, blockHash);
            deltaHandlers.forEach(hd -> hd.handle(cd));
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          LOG.warn("committed tx {} at height {} does not parse: {}", i, height, e.getMessage());
        }
      }
    }
    if (!blockEventHandlers.isEmpty()) {
      JsonArray events = results.getJsonArray("finalize_block_events");
      BlockEvents be = new BlockEvents(height, events == null ? new JsonArray() : events);
      blockEventHandlers.forEach(hd -> safely(hd, be, height));
    }
    blockHandlers.forEach(hd -> hd.handle(height));
  }

  /** A follower's bug must not stall the feed for everyone; it is logged loudly instead. */
  private static <T> void safely(Handler<T> handler, T event, long height) {
    try {
      handler.handle(event);
    } catch (RuntimeException e) {
      LOG.error("a chain follower failed on block {}: {}", height, e.toString(), e);
    }
  }
}
