package io.deltachain.bench;

import io.deltachain.core.delta.FourBitCode;
import io.deltachain.core.delta.FourBitQuantized;
import io.deltachain.core.delta.Int8Quantized;
import io.deltachain.core.delta.Quantization;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Quantize and dequantize rates on one thread, over 4 Mi Gaussian values (a 2048 x 2048 weight),
 * counted per element: JMH's ops/s are elements per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class QuantizationBench {
  /** Elements per invocation. */
  public static final int N = 1 << 22;
  static final int ROWS = 2048;

  private float[] x;
  private float[] out;
  private FourBitQuantized nf4;
  private Int8Quantized int8;

  /** Random input and its quantized forms. */
  @Setup(Level.Trial)
  public void setUp() {
    x = new float[N];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < N; i++) {
      x[i] = (float) rnd.nextGaussian() * 0.02f;
    }
    out = new float[N];
    nf4 = Quantization.quantizeNf4(x);
    int8 = Quantization.quantizeInt8(x, ROWS);
  }

  /** NF4, block 64. */
  @Benchmark
  @OperationsPerInvocation(N)
  public FourBitQuantized nf4Quantize() {
    return Quantization.quantize4Bit(FourBitCode.NF4, x, 64);
  }

  /** NF4 back to float. */
  @Benchmark
  @OperationsPerInvocation(N)
  public float[] nf4Dequantize() {
    Quantization.dequantize4Bit(FourBitCode.NF4, nf4.packed(), nf4.absmax(), N, 64, out, 0);
    return out;
  }

  /** int8 with a scale per row of 2048. */
  @Benchmark
  @OperationsPerInvocation(N)
  public Int8Quantized int8Quantize() {
    return Quantization.quantizeInt8(x, ROWS);
  }

  /** int8 back to float. */
  @Benchmark
  @OperationsPerInvocation(N)
  public float[] int8Dequantize() {
    Quantization.dequantizeInt8(int8.values(), int8.scales(), N / ROWS, out, 0);
    return out;
  }
}
