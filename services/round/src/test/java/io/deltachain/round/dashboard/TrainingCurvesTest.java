package io.deltachain.round.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrainingCurvesTest {
  private static final String T = "5E880F4C21C6B04A1C41D208192AA5E53996883E";

  @Test
  @DisplayName("task ids from the round service and from the trainer bridge name the round, trainer and shard")
  void taskIds() {
    assertThat(TrainingCurves.parseTaskId("7/" + T + "/1")).contains(new TrainingCurves.TaskRef("7", T.toLowerCase(), 1));
    assertThat(TrainingCurves.parseTaskId("r-3f2a9c01-" + T + "-0-attempt2"))
        .contains(new TrainingCurves.TaskRef("r-3f2a9c01", T.toLowerCase(), 0));
    assertThat(TrainingCurves.parseTaskId("round1-trainer-0-honest")).isEmpty();
    assertThat(TrainingCurves.parseTaskId(null)).isEmpty();
  }

  @Test
  @DisplayName("a long run is thinned to at most 400 points keeping its first and last steps; a retry starts the curve again")
  void boundedAndRetried() {
    TrainingCurves c = new TrainingCurves();
    for (int step = 1; step <= 5000; step++) {
      c.add("7", T, step, 5000, 10.0 - step / 1000.0, 100);
    }
    JsonArray points = c.toJson("7").getJsonObject(0).getJsonArray("points");
    assertThat(points.size()).isLessThan(TrainingCurves.MAX_POINTS).isGreaterThan(TrainingCurves.MAX_POINTS / 4);
    assertThat(points.getJsonArray(0).getLong(0)).isEqualTo(1);
    assertThat(points.getJsonArray(points.size() - 1).getLong(0)).isEqualTo(5000);
    c.add("7", T, 1, 60, 5.5, 100);
    c.add("7", T, 2, 60, Double.POSITIVE_INFINITY, 100);
    assertThat(c.toJson("7").getJsonObject(0).getJsonArray("points").encode()).isEqualTo("[[1,5.5]]");
    assertThat(c.toJson("8")).isEmpty();
  }
}
