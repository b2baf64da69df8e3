package io.deltachain.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.deltachain.core.testing.CpuLoad;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeviceUtilizationTest {

  @Test
  @DisplayName("on the CPU the reading is this process's measured CPU load: it rises above zero while a thread computes")
  void cpuLoadIsMeasured() throws Exception {
    DeviceUtilization u = DeviceUtilization.of(Device.cpu());
    try (CpuLoad load = CpuLoad.start(1)) {
      DeviceUtilization.Reading r = u.read();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!(r.available() && r.utilization() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(200);
        r = u.read();
      }
      assertThat(r.device()).isEqualTo("cpu");
      assertThat(r.available()).as(r.unavailable()).isTrue();
      assertThat(r.utilization()).isGreaterThan(0).isLessThanOrEqualTo(1.0);
      assertThat(r.freeMemoryBytes()).isPositive();
    }
  }

  @Test
  @DisplayName("without NVML a GPU reading says why instead of reporting 0 %")
  void missingNvmlIsExplained() {
    DeviceUtilization.Reading r = DeviceUtilization.nvml(0, "/nonexistent/libnvidia-ml.so.1").read();
    assertThat(r.available()).isFalse();
    assertThat(r.utilization()).isNaN();
    assertThat(r.device()).isEqualTo("cuda:0");
    assertThat(r.unavailable()).contains("NVML unavailable for cuda:0").contains("/nonexistent/libnvidia-ml.so.1");
  }
}
