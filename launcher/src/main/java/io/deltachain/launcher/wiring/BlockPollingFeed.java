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
 */
public final class BlockPollingFeed implements ChainFeed {
  private static final Logger LOG = LoggerFactory.getLogger(BlockPollingFeed.class);

  private final Vertx vertx;
  private final ChainClient chain;
  private final long pollMillis;
  private final List<Handler<CommittedDelta>> deltaHandlers = new ArrayList<>();
  private final List<Handler<Long>> blockHandlers = new ArrayList<>();
  private final Map<String, StartRound> rounds = new ConcurrentHashMap<>();
  private volatile long nextHeight = 1;
  private long timer = -1;
  private boolean busy;

  /** Follows {@code chain} from height 1, polling every {@code pollMillis}. */
  public BlockPollingFeed(Vertx vertx, ChainClient chain, long pollMillis) {
    this.vertx = vertx;
    this.chain = chain;
    this.pollMillis = pollMillis;
  }

  @Override
  public void onCommittedDelta(Handler<CommittedDelta> handler) {
    deltaHandlers.add(handler);
  }

  @Override
  public void onBlockCommitted(Handler<Long> handler) {
    blockHandlers.add(handler);
  }

  /** The StartRound committed for a round, or null when none was seen yet. */
  public StartRound round(String roundId) {
    return rounds.get(roundId);
  }

  /** The next height this feed will read. */
  public long nextHeight() {
    return nextHeight;
  }

  /** Starts polling (call from the verticle context that should receive the events). */
  public void start() {
    timer = vertx.setPeriodic(pollMillis, id -> poll());
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
    chain.status().compose(s -> catchUp(s.latestHeight()))
        .onFailure(e -> LOG.debug("chain feed on {}:{}: {}", chain.host(), chain.port(), e.toString()))
        .onComplete(ar -> busy = false);
  }

  private Future<Void> catchUp(long latest) {
    if (nextHeight > latest) {
      return Future.succeededFuture();
    }
    long h = nextHeight;
    JsonObject params = new JsonObject().put("height", Long.toString(h));
    return Future.all(chain.call("block", params), chain.call("block_results", params)).compose(all -> {
      deliver(h, all.resultAt(0), all.resultAt(1));
      nextHeight = h + 1;
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
    blockHandlers.forEach(hd -> hd.handle(height));
  }
}
