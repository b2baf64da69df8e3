package io.deltachain.store.bus;

import io.deltachain.core.bus.StatReply;
import io.deltachain.core.bus.StatRequest;
import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.deltachain.store.ContentStore;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Small store operations on the event bus: stat and exists as core's contract defines them
 * ({@link StatRequest} in, {@link StatReply} or a Boolean out), pin and unpin (see
 * {@link DeltaStoreAddresses}). Failures use {@code message.fail(StoreError.busCode(), text)}:
 * 404 for content the store does not have, 400 for a malformed request.
 */
public final class EventBusApiVerticle extends VerticleBase {
  private final ContentStore store;
  private final DeltaStoreAddresses addresses;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public EventBusApiVerticle(ContentStore store, DeltaStoreAddresses addresses) {
    this.store = store;
    this.addresses = addresses;
  }

  @Override
  public Future<?> start() {
    register(addresses.stat(), h -> store.stat(h).map(s -> new StatReply(s.hash(), s.size(),
        s.cid() == null ? null : Cid.parse(s.cid()), s.cid() == null ? "local" : "ipfs").toJson()));
    register(addresses.exists(), store::exists);
    register(addresses.pin(), h -> store.pin(h).map(v -> new JsonObject().put("hash", h.hex()).put("pinned", true)));
    register(addresses.unpin(), h -> store.unpin(h).map(v -> new JsonObject().put("hash", h.hex()).put("pinned", false)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private void register(String address, Function<ContentHash, Future<?>> op) {
    consumers.add(vertx.eventBus().<Object>consumer(address, msg -> handle(msg, op)));
  }

  private static void handle(Message<Object> msg, Function<ContentHash, Future<?>> op) {
    ContentHash hash;
    try {
      hash = parse(msg.body());
    } catch (StoreException e) {
      msg.fail(e.error().busCode(), e.getMessage());
      return;
    }
    op.apply(hash).onSuccess(msg::reply).onFailure(t -> {
      StoreException e = StoreException.wrap(t, "the request");
      msg.fail(e.error().busCode(), e.getMessage());
    });
  }

  private static ContentHash parse(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw new StoreException(StoreError.BAD_REQUEST,
          "expected a JSON object {\"hash\": \"<64 hex>\"}, got " + (body == null ? "nothing" : body.getClass().getSimpleName()));
    }
    try {
      return StatRequest.fromJson(json).hash();
    } catch (RuntimeException e) {
      throw new StoreException(StoreError.BAD_REQUEST, e.getMessage());
    }
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }
}
