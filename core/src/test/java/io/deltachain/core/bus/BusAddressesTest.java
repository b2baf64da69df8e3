package io.deltachain.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BusAddressesTest {

  @Test
  @DisplayName("an address resolves to its configured override, else to itself")
  void overrides() {
    JsonObject config = new JsonObject().put("addresses", new JsonObject().put(DeltaStoreAddresses.STAT, "staging.delta-store.stat"));
    assertThat(BusAddresses.resolve(config, DeltaStoreAddresses.STAT)).isEqualTo("staging.delta-store.stat");
    assertThat(BusAddresses.resolve(config, DeltaStoreAddresses.EXISTS)).isEqualTo("delta-store.exists");
    assertThat(BusAddresses.resolve(new JsonObject(), TrainerAddresses.HEARTBEAT)).isEqualTo("trainer.heartbeat");
    assertThat(BusAddresses.resolve(null, RoundAddresses.ROUND_STARTED)).isEqualTo("round.round.started");
    assertThatThrownBy(() -> BusAddresses.resolve(new JsonObject().put("addresses", "x"), ValidatorAddresses.VERDICT_PUBLISHED))
        .hasMessageContaining("config.addresses must be an object");
    assertThatThrownBy(() -> BusAddresses.resolve(
        new JsonObject().put("addresses", new JsonObject().put(ValidatorAddresses.VERDICT_PUBLISHED, " ")), ValidatorAddresses.VERDICT_PUBLISHED))
        .hasMessageContaining("must be a non-blank string");
  }

  @Test
  @DisplayName("per-trainer task-offer addresses are namespaced under trainer.task.offer")
  void taskOfferAddress() {
    assertThat(TrainerAddresses.taskOfferFor("AB12")).isEqualTo("trainer.task.offer.AB12");
    assertThatThrownBy(() -> TrainerAddresses.taskOfferFor("a.b")).hasMessageContaining("not a valid address segment");
    assertThatThrownBy(() -> TrainerAddresses.taskOfferFor("")).hasMessageContaining("not a valid address segment");
  }
}
