package io.deltachain.store.gc;

import io.deltachain.store.StoreException;
import io.deltachain.store.bus.DeltaStoreAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link GarbageCollector} every {@code intervalMillis} (0 = only on request) and on
 * request at {@link DeltaStoreAddresses#gcRun()}; passes never overlap.
 */
public final class GcVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GcVerticle.class);

  private final GarbageCollector gc;
  private final long intervalMillis;
  private final DeltaStoreAddresses addresses;
  private Future<GarbageCollector.Report> running;
  private long timer = -1;
  private MessageConsumer<Object> consumer;

  public GcVerticle(GarbageCollector gc, long intervalMillis, DeltaStoreAddresses addresses) {
    this.gc = gc;
    this.intervalMillis = intervalMillis;
    this.addresses = addresses;
  }

  @Override
  public Future<?> start() {
    if (intervalMillis > 0) {
      timer = vertx.setPeriodic(intervalMillis, id -> runOnce().onFailure(t -> LOG.warn("gc pass failed: {}", t.getMessage())));
    }
    consumer = vertx.eventBus().consumer(addresses.gcRun(), msg -> runOnce()
        .onSuccess(r -> msg.reply(r.toJson()))
        .onFailure(t -> {
          StoreException e = StoreException.wrap(t, "garbage collection");
          msg.fail(e.error().busCode(), e.getMessage());
        }));
    return consumer.completion();
  }

  /** One pass, or the pass already running. */
  public Future<GarbageCollector.Report> runOnce() {
    if (running == null || running.isComplete()) {
      running = gc.run();
    }
    return running;
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
