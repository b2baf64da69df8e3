package io.deltachain.validator.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RobustnessTableTest {

  @Test
  @DisplayName("with f poisoned deltas among n, Krum and trimmed mean keep most of the honest gain while the plain mean degrades")
  void robustMethodsStayCloseToHonestOnly() throws Exception {
    List<RobustnessTable.Row> rows = RobustnessTable.compute();
    System.out.print(RobustnessTable.format(rows));
    for (RobustnessTable.Row r : rows) {
      double honestGain = r.baseLoss() - r.honestOnly();
      assertThat(honestGain).as("honest deltas really lower the held-out loss").isPositive();
      if (r.f() == 0) {
        continue;
      }
      for (String robust : List.of("krum", "multi-krum", "trimmed")) {
        double excess = r.loss().get(robust) - r.honestOnly();
        assertThat(excess).as("%s, f=%d, %s keeps at least half the honest gain", r.attack(), r.f(), robust)
            .isLessThanOrEqualTo(0.5 * honestGain);
        assertThat(r.loss().get("mean") - r.honestOnly()).as("%s, f=%d: the plain mean is hurt more than %s", r.attack(), r.f(), robust)
            .isGreaterThan(excess);
      }
      if (r.attack().startsWith("sign-flip")) {
        assertThat(r.loss().get("mean")).as("f=%d sign-flipped deltas drag the plain mean below the base", r.f())
            .isGreaterThan(r.baseLoss());
      }
    }
  }
}
