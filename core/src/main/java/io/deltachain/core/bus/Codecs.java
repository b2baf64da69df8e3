package io.deltachain.core.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The event-bus codecs of every message record in this package. Every node of the cluster
 * must register them (a receiving node decodes with the codec named on the wire), so
 * {@link ClusterFactory#start} does it for you; plain {@code Vertx} instances call
 * {@link #registerAll}.
 */
public final class Codecs {
  private static final List<JsonRecordCodec<?>> ALL = List.of(
      new JsonRecordCodec<>(StatRequest.class, StatRequest::fromJson),
      new JsonRecordCodec<>(StatReply.class, StatReply::fromJson),
      new JsonRecordCodec<>(DeltaStored.class, DeltaStored::fromJson),
      new JsonRecordCodec<>(TrainerHeartbeat.class, TrainerHeartbeat::fromJson),
      new JsonRecordCodec<>(TaskOffer.class, TaskOffer::fromJson),
      new JsonRecordCodec<>(TaskOfferReply.class, TaskOfferReply::fromJson),
      new JsonRecordCodec<>(TaskProgress.class, TaskProgress::fromJson),
      new JsonRecordCodec<>(RoundStarted.class, RoundStarted::fromJson),
      new JsonRecordCodec<>(RoundFinalized.class, RoundFinalized::fromJson),
      new JsonRecordCodec<>(VerdictPublished.class, VerdictPublished::fromJson));

  private Codecs() {}

  /** Every codec, one per record class. */
  public static List<JsonRecordCodec<?>> all() {
    return ALL;
  }

  /**
   * Registers every record's codec as the default codec of its class. Idempotent: a class that
   * already has a default codec keeps it, so calling this twice (or from several verticles of
   * one Vert.x) is harmless.
   */
  public static void registerAll(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    for (JsonRecordCodec<?> codec : ALL) {
      register(bus, codec);
    }
  }

  private static <T extends BusMessage> void register(EventBus bus, JsonRecordCodec<T> codec) {
    try {
      bus.registerDefaultCodec(codec.type(), codec);
    } catch (IllegalStateException alreadyRegistered) {
      // Vert.x throws when the class (or codec name) already has a codec; that is our own earlier call.
    }
  }
}
