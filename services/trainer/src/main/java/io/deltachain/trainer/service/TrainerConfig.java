package io.deltachain.trainer.service;

import ai.djl.Device;
import io.deltachain.core.crypto.NodeKey;
import java.nio.file.Path;

/**
 * Settings of a trainer node.
 *
 * @param key the node's signing key (its address is the node id)
 * @param chainId chain id for transactions
 * @param moniker human-readable name
 * @param workDir where delta files are written
 * @param device training device
 * @param memoryBytes memory available for training
 * @param bandwidthBytesPerSecond network bandwidth to report (0 = unknown)
 * @param heartbeatMillis heartbeat period
 * @param probeThroughput whether to measure tokens/s at start (a few tiny-1m steps)
 */
public record TrainerConfig(NodeKey key, String chainId, String moniker, Path workDir, Device device, long memoryBytes,
    long bandwidthBytesPerSecond, long heartbeatMillis, boolean probeThroughput) {

  /** Validates the settings. */
  public TrainerConfig {
    if (key == null || chainId == null || chainId.isBlank() || workDir == null || device == null) {
      throw new IllegalArgumentException("trainer config needs a key, a chain id, a work directory and a device");
    }
    if (memoryBytes <= 0 || heartbeatMillis <= 0 || bandwidthBytesPerSecond < 0) {
      throw new IllegalArgumentException("memory and heartbeat period must be positive, bandwidth non-negative");
    }
  }

  /**
   * Defaults for this machine: CPU (or the first GPU when DJL's engine sees one) and the
   * physical (or GPU) memory.
   *
   * @param key node key
   * @param chainId chain id
   * @param workDir work directory
   * @return the config
   */
  public static TrainerConfig forThisMachine(NodeKey key, String chainId, Path workDir) {
    Device device = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    long memory = device.isGpu()
        ? ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getMax()
        : ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getTotalMemorySize();
    return new TrainerConfig(key, chainId, "trainer-" + key.addressHex().substring(0, 8), workDir, device, memory, 0,
        5000, true);
  }
}
