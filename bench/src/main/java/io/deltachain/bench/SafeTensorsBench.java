package io.deltachain.bench;

import io.deltachain.core.tensor.SafeTensorsReader;
import io.deltachain.core.tensor.SafeTensorsWriter;
import io.deltachain.core.tensor.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads and writes a 256 MiB F32 safetensors file (16 tensors of 4 Mi floats), and copies the
 * same file with the JDK as the baseline. Every benchmark counts one operation per data byte,
 * so JMH's ops/s are bytes per second. The file sits in the page cache after setup, so reads
 * measure the reader, not the disk; writes end with an fsync, as the writer always does, and
 * are compared with a copy that also fsyncs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SafeTensorsBench {
  /** Tensor data bytes per file: 256 MiB. */
  public static final int DATA_BYTES = 256 << 20;
  static final int TENSORS = 16;
  static final int FLOATS_PER_TENSOR = DATA_BYTES / 4 / TENSORS;

  private Path dir;
  private Path source;
  private Path target;
  private float[][] values;
  private float[] scratch;

  /** Writes the source file once per run. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("deltachain-bench-");
    source = dir.resolve("source.safetensors");
    target = dir.resolve("target.safetensors");
    values = new float[TENSORS][FLOATS_PER_TENSOR];
    SplittableRandom rnd = new SplittableRandom(1);
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (int t = 0; t < TENSORS; t++) {
      for (int i = 0; i < FLOATS_PER_TENSOR; i++) {
        values[t][i] = (float) rnd.nextGaussian();
      }
      w.addFloats(String.format("model.layers.%02d.mlp.up_proj.weight", t), new long[] {2048, FLOATS_PER_TENSOR / 2048}, values[t]);
    }
    w.write(source);
    scratch = new float[FLOATS_PER_TENSOR];
  }

  /** Removes the files. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Open, validate, and copy every tensor into a float[] (bulk little-endian copy). */
  @Benchmark
  @OperationsPerInvocation(DATA_BYTES)
  public double readToFloatArray() throws IOException {
    double check = 0;
    try (SafeTensorsReader r = SafeTensorsReader.open(source)) {
      for (TensorInfo t : r.tensors()) {
        r.readFloats(t.name(), 0, scratch, 0, (int) t.numel());
        check += scratch[(int) t.numel() - 1];
      }
    }
    return check;
  }

  /** Open, validate, and sum every value through the mapped view (no copy). */
  @Benchmark
  @OperationsPerInvocation(DATA_BYTES)
  public double readSum() throws IOException {
    double total = 0;
    try (SafeTensorsReader r = SafeTensorsReader.open(source)) {
      for (TensorInfo t : r.tensors()) {
        FloatBuffer fb = r.buffer(t.name()).asFloatBuffer();
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int n = fb.limit();
        int i = 0;
        for (; i + 3 < n; i += 4) {
          s0 += fb.get(i);
          s1 += fb.get(i + 1);
          s2 += fb.get(i + 2);
          s3 += fb.get(i + 3);
        }
        for (; i < n; i++) {
          s0 += fb.get(i);
        }
        total += (double) s0 + s1 + s2 + s3;
      }
    }
    return total;
  }

  /** Write the same 16 tensors from float[] (header, streamed data, fsync, atomic rename). */
  @Benchmark
  @OperationsPerInvocation(DATA_BYTES)
  public long writeFromFloatArrays() throws IOException {
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (int t = 0; t < TENSORS; t++) {
      w.addFloats(String.format("model.layers.%02d.mlp.up_proj.weight", t), new long[] {2048, FLOATS_PER_TENSOR / 2048}, values[t]);
    }
    return w.write(target);
  }

  /** Baseline: {@code Files.copy} of the same file (kernel copy from the page cache, no fsync). */
  @Benchmark
  @OperationsPerInvocation(DATA_BYTES)
  public Path baselineFilesCopy() throws IOException {
    return Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Baseline for writes: {@code FileChannel.transferTo} of the same file, then fsync. */
  @Benchmark
  @OperationsPerInvocation(DATA_BYTES)
  public long baselineTransferToFsync() throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        pos += in.transferTo(pos, size - pos, out);
      }
      out.force(true);
      return pos;
    }
  }
}
