package io.deltachain.core.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoundTrainingTest {
  private static final RoundTraining OK = new RoundTraining(60, 8, 64, RoundTraining.learningRateE9(3e-3),
      RoundTraining.loraAlphaMilli(8), "random:7", "europarl:600", RoundTraining.dataSeed("42", 99));

  @Test
  @DisplayName("settings survive the proto and the JSON shape unchanged, and give back the doubles trainers use")
  void roundTrips() {
    assertThat(RoundTraining.of(OK.toProto())).isEqualTo(OK);
    assertThat(RoundTraining.fromJson(new JsonObject(OK.toJson().encode()))).isEqualTo(OK);
    assertThat(OK.learningRate()).isEqualTo(3e-3);
    assertThat(OK.loraAlpha()).isEqualTo(8.0);
    assertThat(OK.problem(true)).isEmpty();
  }

  @Test
  @DisplayName("a data seed above 2^63 is carried as an unsigned decimal string, not a negative number")
  void unsignedSeed() {
    RoundTraining big = new RoundTraining(1, 1, 1, 1, 0, "b", "d", -5L);
    assertThat(big.toJson().getString("data_seed")).isEqualTo("18446744073709551611");
    assertThat(RoundTraining.fromJson(big.toJson()).dataSeed()).isEqualTo(-5L);
  }

  @Test
  @DisplayName("the data seed is a function of the round id and eval seed: the same everywhere, different per round")
  void dataSeed() {
    assertThat(RoundTraining.dataSeed("42", 99)).isEqualTo(RoundTraining.dataSeed("42", 99));
    assertThat(RoundTraining.dataSeed("42", 99)).isNotEqualTo(RoundTraining.dataSeed("43", 99))
        .isNotEqualTo(RoundTraining.dataSeed("42", 100));
  }

  @Test
  @DisplayName("invalid settings are named by their field")
  void problems() {
    assertThat(new RoundTraining(0, 8, 64, 1, 1, "b", "d", 0).problem(false)).contains("training.steps 0 is outside 1..1000000");
    assertThat(new RoundTraining(1, 0, 64, 1, 1, "b", "d", 0).problem(false).orElseThrow()).startsWith("training.batch_size 0");
    assertThat(new RoundTraining(1, 1, 0, 1, 1, "b", "d", 0).problem(false).orElseThrow()).startsWith("training.sequence_length 0");
    assertThat(new RoundTraining(1, 1, 1, 0, 1, "b", "d", 0).problem(false).orElseThrow()).startsWith("training.learning_rate_e9 0");
    assertThat(new RoundTraining(1, 1, 1, 1, 0, "b", "d", 0).problem(true).orElseThrow())
        .contains("training.lora_alpha_milli 0").contains("LoRA assignments");
    assertThat(new RoundTraining(1, 1, 1, 1, 0, "b", "d", 0).problem(false)).isEmpty();
    assertThat(new RoundTraining(1, 1, 1, 1, 1, " ", "d", 0).problem(false)).contains("training.base_model is empty");
    assertThat(new RoundTraining(1, 1, 1, 1, 1, "b", "", 0).problem(false)).contains("training.dataset is empty");
    assertThat(new RoundTraining(1, 1, 1, 1, 1, "b", "d\n", 0).problem(false)).contains("training.dataset contains control characters");
    assertThat(RoundTraining.learningRateE9(Double.NaN)).isZero();
  }

  @Test
  @DisplayName("malformed JSON settings are refused naming the field")
  void badJson() {
    assertThatThrownBy(() -> RoundTraining.fromJson(OK.toJson().put("steps", "many")))
        .hasMessageContaining("training.steps must be a whole number");
    assertThatThrownBy(() -> RoundTraining.fromJson(OK.toJson().put("data_seed", "x")))
        .hasMessageContaining("training.data_seed");
    assertThatThrownBy(() -> RoundTraining.fromJson(OK.toJson().put("dataset", 3)))
        .hasMessageContaining("training.dataset must be a string");
  }
}
