package io.deltachain.round.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Prices in micro-units of the operator's currency: per GPU-hour by GPU class, per GiB-month
 * stored and per GiB transferred. Integer micro-units keep sums exact. A class without its own
 * price falls back to the {@code default} entry; without one, pricing an unknown class is an
 * error naming the known classes.
 *
 * @param perGpuHourMicros price of one hour on one GPU of each class ({@code h100}, {@code cpu}, ...)
 * @param perGibMonthStoredMicros price of keeping 1 GiB for 30 days
 * @param perGibTransferredMicros price of moving 1 GiB
 */
public record GpuPrices(
    Map<String, Long> perGpuHourMicros, long perGibMonthStoredMicros, long perGibTransferredMicros) {

  /** The class whose price applies to classes without their own. */
  public static final String DEFAULT_CLASS = "default";
  private static final long GIB = 1L << 30;
  private static final long SECONDS_PER_HOUR = 3600;
  private static final long SECONDS_PER_MONTH = 30L * 24 * 3600;

  /** Validates and copies, lower-casing the class names. */
  public GpuPrices {
    Objects.requireNonNull(perGpuHourMicros, "perGpuHourMicros");
    Map<String, Long> copy = new TreeMap<>();
    perGpuHourMicros.forEach((k, v) -> {
      if (v == null || v < 0) {
        throw new IllegalArgumentException("price of GPU class " + k + " must be non-negative, got " + v);
      }
      copy.put(k.toLowerCase(Locale.ROOT), v);
    });
    perGpuHourMicros = Collections.unmodifiableMap(copy);
    if (perGibMonthStoredMicros < 0 || perGibTransferredMicros < 0) {
      throw new IllegalArgumentException("storage and transfer prices must be non-negative");
    }
  }

  /**
   * Defaults in micro-dollars, roughly public on-demand cloud rates in 2025: H100 $2.50/h,
   * A100 $1.30/h, L4 $0.70/h, RTX 4090 $0.40/h, RTX 3090 $0.25/h, consumer cards $0.15/h, CPU
   * $0.05/h; storage $0.023 per GiB-month, transfer $0.01 per GiB.
   */
  public static GpuPrices defaults() {
    Map<String, Long> m = new TreeMap<>();
    m.put("h100", 2_500_000L);
    m.put("a100", 1_300_000L);
    m.put("l4", 700_000L);
    m.put("rtx4090", 400_000L);
    m.put("rtx3090", 250_000L);
    m.put("cpu", 50_000L);
    m.put(DEFAULT_CLASS, 150_000L);
    return new GpuPrices(m, 23_000L, 10_000L);
  }

  /**
   * The hourly price of a class.
   *
   * @throws IllegalArgumentException for an unknown class when there is no default
   */
  public long perGpuHour(String gpuClass) {
    String key = gpuClass == null ? "" : gpuClass.toLowerCase(Locale.ROOT);
    Long p = perGpuHourMicros.get(key);
    if (p == null) {
      p = perGpuHourMicros.get(DEFAULT_CLASS);
    }
    if (p == null) {
      throw new IllegalArgumentException(
          "no price for GPU class '" + gpuClass + "'; priced classes: " + perGpuHourMicros.keySet());
    }
    return p;
  }

  /** The price of {@code millis} GPU-milliseconds on a class, rounded half up to a micro-unit. */
  public long gpuTime(String gpuClass, long millis) {
    return BigDecimal.valueOf(perGpuHour(gpuClass)).multiply(BigDecimal.valueOf(millis))
        .divide(BigDecimal.valueOf(SECONDS_PER_HOUR * 1000), 0, RoundingMode.HALF_UP).longValueExact();
  }

  /** The price of storing {@code bytes} for {@code seconds}. */
  public long storage(long bytes, long seconds) {
    return BigDecimal.valueOf(perGibMonthStoredMicros).multiply(BigDecimal.valueOf(bytes))
        .multiply(BigDecimal.valueOf(seconds))
        .divide(BigDecimal.valueOf(GIB).multiply(BigDecimal.valueOf(SECONDS_PER_MONTH)), 0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  /** The price of transferring {@code bytes}. */
  public long transfer(long bytes) {
    return BigDecimal.valueOf(perGibTransferredMicros).multiply(BigDecimal.valueOf(bytes))
        .divide(BigDecimal.valueOf(GIB), 0, RoundingMode.HALF_UP).longValueExact();
  }
}
