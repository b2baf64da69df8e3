package io.deltachain.trainer.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.protobuf.ByteString;
import io.deltachain.core.content.ContentHash;
import io.deltachain.trainer.pipeline.proto.TensorChunk;
import io.deltachain.trainer.pipeline.proto.TensorKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor crossing a stage boundary (activations forward, gradients backward): float32
 * little-endian bytes, its shape, and the hex SHA-256 of exactly those bytes, which is what stages
 * record per micro-batch and what a validator's recomputation is compared with.
 *
 * @param shape dimensions
 * @param bytes float32 little-endian values, row-major
 * @param sha256 hex SHA-256 of {@code bytes}
 */
public record BoundaryTensor(long[] shape, byte[] bytes, String sha256) {
  /** Largest payload of one {@link TensorChunk}, well inside the stages' gRPC message limit. */
  public static final int CHUNK_BYTES = 1 << 20;

  /**
   * Copies an fp32 tensor out of the engine.
   *
   * @param array the tensor
   * @return its bytes and hash
   */
  public static BoundaryTensor of(NDArray array) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("boundary tensors are float32, got " + array.getDataType());
    }
    return of(array.getShape().getShape(), array.toFloatArray());
  }

  /**
   * @param shape dimensions
   * @param values row-major values
   * @return the tensor with its hash
   */
  public static BoundaryTensor of(long[] shape, float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    byte[] bytes = buf.array();
    return new BoundaryTensor(shape.clone(), bytes, hash(bytes));
  }

  /**
   * @param bytes float32 little-endian bytes
   * @return their hex SHA-256
   */
  public static String hash(byte[] bytes) {
    return ContentHash.sha256(bytes).hex();
  }

  /** @return the values */
  public float[] values() {
    float[] out = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /**
   * A tensor in the engine with these values. It owns its memory (a copy, not a view of a Java
   * buffer), because autograd may keep it until the backward pass.
   *
   * @param manager where it lives
   * @return the tensor
   */
  public NDArray toArray(NDManager manager) {
    try (NDArray view = manager.create(values(), new Shape(shape))) {
      return view.duplicate();
    }
  }

  /**
   * Cuts the tensor into messages of at most {@link #CHUNK_BYTES}; the last carries the hash.
   *
   * @param kind activation or gradient
   * @param step the optimizer step
   * @param microBatch the micro-batch
   * @return the messages in order
   */
  public List<TensorChunk> chunks(TensorKind kind, long step, int microBatch) {
    List<TensorChunk> out = new ArrayList<>();
    List<Long> dims = Arrays.stream(shape).boxed().toList();
    int offset = 0;
    do {
      int len = Math.min(CHUNK_BYTES, bytes.length - offset);
      TensorChunk.Builder c = TensorChunk.newBuilder().setKind(kind).setStep(step).setMicroBatch(microBatch)
          .addAllShape(dims).setOffset(offset).setTotalBytes(bytes.length)
          .setData(ByteString.copyFrom(bytes, offset, len));
      offset += len;
      if (offset == bytes.length) {
        c.setSha256(sha256);
      }
      out.add(c.build());
    } while (offset < bytes.length);
    return out;
  }

  /** Reassembles one tensor from its chunks, which arrive in order on one stream. */
  public static final class Assembler {
    private TensorChunk first;
    private byte[] bytes;
    private int received;

    /**
     * Takes the next chunk.
     *
     * @param chunk the chunk
     * @return the whole tensor once its last chunk arrived (hash verified), else null
     * @throws IllegalStateException when chunks are out of order, inconsistent or the hash is wrong
     */
    public BoundaryTensor accept(TensorChunk chunk) {
      if (first == null) {
        if (chunk.getOffset() != 0 || chunk.getTotalBytes() < 0 || chunk.getTotalBytes() > Integer.MAX_VALUE) {
          throw new IllegalStateException("a tensor must start at offset 0 with a valid size, got offset "
              + chunk.getOffset() + " of " + chunk.getTotalBytes());
        }
        first = chunk;
        bytes = new byte[(int) chunk.getTotalBytes()];
        received = 0;
      } else if (chunk.getStep() != first.getStep() || chunk.getMicroBatch() != first.getMicroBatch()
          || chunk.getKind() != first.getKind() || chunk.getOffset() != received) {
        throw new IllegalStateException("chunk of step " + chunk.getStep() + " micro-batch " + chunk.getMicroBatch()
            + " at offset " + chunk.getOffset() + " interleaves with step " + first.getStep() + " micro-batch "
            + first.getMicroBatch() + " at offset " + received);
      }
      if (received + chunk.getData().size() > bytes.length) {
        throw new IllegalStateException("chunks of step " + chunk.getStep() + " micro-batch "
            + chunk.getMicroBatch() + " exceed the declared " + bytes.length + " bytes");
      }
      chunk.getData().copyTo(bytes, received);
      received += chunk.getData().size();
      if (received < bytes.length) {
        return null;
      }
      long[] shape = first.getShapeList().stream().mapToLong(Long::longValue).toArray();
      long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      String actual = hash(bytes);
      first = null;
      if (elements * Float.BYTES != bytes.length) {
        throw new IllegalStateException("shape " + Arrays.toString(shape) + " does not match " + bytes.length
            + " bytes of float32");
      }
      if (!actual.equals(chunk.getSha256())) {
        throw new IllegalStateException("tensor of step " + chunk.getStep() + " micro-batch " + chunk.getMicroBatch()
            + " arrived with SHA-256 " + actual + " but was sent as " + chunk.getSha256());
      }
      return new BoundaryTensor(shape, bytes, actual);
    }
  }
}
