package io.deltachain.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CodecsTest {

  @Test
  @DisplayName("registering the codecs twice is harmless, and records then travel locally as the same instance")
  void registerTwiceThenRequestLocally(Vertx vertx, VertxTestContext ctx) {
    Codecs.registerAll(vertx);
    Codecs.registerAll(vertx);
    StatRequest request = new StatRequest(ContentHash.sha256(new byte[] {1}));
    StatReply reply = new StatReply(request.hash(), 1, null, "local");
    vertx.eventBus().<StatRequest>consumer(DeltaStoreAddresses.STAT, msg -> {
      ctx.verify(() -> assertThat(msg.body()).isSameAs(request));
      msg.reply(reply);
    }).completion()
        .compose(v -> vertx.eventBus().<StatReply>request(DeltaStoreAddresses.STAT, request))
        .onComplete(ctx.succeeding(msg -> ctx.verify(() -> {
          assertThat(msg.body()).isSameAs(reply);
          ctx.completeNow();
        })));
  }
}
