package io.deltachain.trainer.service;

import ai.djl.Device;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How busy the device a trainer trains on is, read at each heartbeat.
 *
 * <p>On a CUDA device the figure is the GPU's own: NVML's utilisation rate (share of the last
 * sample period in which a kernel ran) and free device memory, read from {@code libnvidia-ml.so.1}
 * (part of every NVIDIA driver) through JNA, so no process is spawned per heartbeat. On the CPU it
 * is this JVM's share of all cores ({@code OperatingSystemMXBean.getProcessCpuLoad}) and the
 * machine's free memory. When NVML cannot be loaded or answers with an error, the reading says why
 * ({@link Reading#unavailable}) instead of reporting zero.
 */
public final class DeviceUtilization {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceUtilization.class);

  /**
   * One reading.
   *
   * @param device what was read: {@code cuda:<n>} or {@code cpu}
   * @param utilization busy share in [0, 1]; NaN when unavailable
   * @param freeMemoryBytes free device (or host) memory; -1 when unknown
   * @param unavailable why there is no reading (empty when there is one)
   */
  public record Reading(String device, double utilization, long freeMemoryBytes, String unavailable) {
    /** Whether the reading holds a utilisation figure. */
    public boolean available() {
      return unavailable.isEmpty();
    }
  }

  /** The source of readings for one device. */
  @FunctionalInterface
  interface Source {
    Reading read();
  }

  private final Source source;

  private DeviceUtilization(Source source) {
    this.source = source;
  }

  /**
   * Readings for a device: NVML for a GPU, the process's CPU load for the CPU.
   *
   * @param device the device the trainer trains on
   */
  public static DeviceUtilization of(Device device) {
    if (device.isGpu()) {
      return new DeviceUtilization(nvml(device.getDeviceId(), "libnvidia-ml.so.1"));
    }
    return new DeviceUtilization(cpu());
  }

  /** The current reading; never throws. */
  public Reading read() {
    try {
      return source.read();
    } catch (RuntimeException | LinkageError e) {
      return new Reading("?", Double.NaN, -1, "reading failed: " + e);
    }
  }

  static Source cpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean sun)) {
      return () -> new Reading("cpu", Double.NaN, -1, "this JVM does not report process CPU load");
    }
    return () -> {
      double load = sun.getProcessCpuLoad();
      long free = sun.getFreeMemorySize();
      return load < 0 ? new Reading("cpu", Double.NaN, free, "process CPU load not measured yet")
          : new Reading("cpu", Math.min(1.0, load), free, "");
    };
  }

  /**
   * NVML readings of GPU {@code index}, loading the library from {@code library} (a name the
   * dynamic linker resolves, or a path).
   */
  static Source nvml(int index, String library) {
    String device = "cuda:" + index;
    Nvml lib;
    Pointer handle;
    try {
      lib = Native.load(library, Nvml.class);
      check(lib.nvmlInit_v2(), "nvmlInit_v2");
      PointerByReference ref = new PointerByReference();
      check(lib.nvmlDeviceGetHandleByIndex_v2(index, ref), "nvmlDeviceGetHandleByIndex_v2(" + index + ")");
      handle = ref.getValue();
    } catch (UnsatisfiedLinkError | NvmlException e) {
      String why = "NVML unavailable for " + device + " (" + library + "): " + e.getMessage();
      LOG.warn("{}; heartbeats will carry no GPU utilisation", why);
      return () -> new Reading(device, Double.NaN, -1, why);
    }
    Nvml nvml = lib;
    Pointer gpu = handle;
    return () -> {
      NvmlUtilization u = new NvmlUtilization();
      NvmlMemory m = new NvmlMemory();
      int rc = nvml.nvmlDeviceGetUtilizationRates(gpu, u);
      if (rc != 0) {
        return new Reading(device, Double.NaN, -1, "nvmlDeviceGetUtilizationRates returned " + rc);
      }
      long free = nvml.nvmlDeviceGetMemoryInfo(gpu, m) == 0 ? m.free : -1;
      return new Reading(device, u.gpu / 100.0, free, "");
    };
  }

  private static void check(int rc, String call) {
    if (rc != 0) {
      throw new NvmlException(call + " returned NVML error " + rc);
    }
  }

  private static final class NvmlException extends RuntimeException {
    NvmlException(String message) {
      super(message);
    }
  }

  /** The few NVML entry points read here (nvml.h; return 0 = NVML_SUCCESS). */
  public interface Nvml extends Library {
    /** Initialises NVML. */
    int nvmlInit_v2();

    /** The handle of the GPU with this index. */
    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    /** Utilisation over the last sample period, percent. */
    int nvmlDeviceGetUtilizationRates(Pointer device, NvmlUtilization utilization);

    /** Device memory in bytes. */
    int nvmlDeviceGetMemoryInfo(Pointer device, NvmlMemory memory);
  }

  /** {@code nvmlUtilization_t}. */
  @Structure.FieldOrder({"gpu", "memory"})
  public static final class NvmlUtilization extends Structure {
    /** Percent of time a kernel was running. */
    public int gpu;
    /** Percent of time device memory was read or written. */
    public int memory;
  }

  /** {@code nvmlMemory_t}. */
  @Structure.FieldOrder({"total", "free", "used"})
  public static final class NvmlMemory extends Structure {
    /** Total device memory. */
    public long total;
    /** Unallocated device memory. */
    public long free;
    /** Allocated device memory. */
    public long used;
  }
}
