package io.deltachain.launcher.wiring;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.core.content.ContentHash;
import io.deltachain.core.crypto.NodeKey;
import io.deltachain.core.delta.DeltaFile;
import io.deltachain.core.tensor.FloatTensor;
import io.deltachain.core.tx.TxEnvelopes;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.core.tx.proto.BodyType;
import io.deltachain.core.tx.proto.SubmitDelta;
import io.deltachain.core.tx.proto.TxEnvelope;
import io.deltachain.store.client.DeltaStoreClient;
import io.deltachain.trainer.service.ChainClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dishonest trainer for demos and tests: its node trains for real, and on the way to the chain
 * each SubmitDelta is swapped for a poisoned one: every {@code lora_B} (or, for dense deltas,
 * every tensor) multiplied by {@code factor} (a sign flip and a scale), the file re-uploaded and
 * the transaction re-signed with the trainer's own key and nonce. Everything else passes through.
 * It stands for an attacker who changed their own software and still passes the format checks.
 */
public final class PoisoningChainClient implements ChainClient {
  private final Vertx vertx;
  private final ChainClient honest;
  private final NodeKey key;
  private final DeltaStoreClient store;
  private final Path dir;
  private final float factor;

  /**
   * @param honest the trainer's real chain client
   * @param key the trainer's key (the poisoned transaction is signed with it)
   * @param store where the poisoned file is uploaded
   * @param dir where poisoned files are written
   * @param factor what the update is multiplied by (the demo uses -8)
   */
  public PoisoningChainClient(Vertx vertx, ChainClient honest, NodeKey key, DeltaStoreClient store, Path dir,
      float factor) {
    this.vertx = vertx;
    this.honest = honest;
    this.key = key;
    this.store = store;
    this.dir = dir;
    this.factor = factor;
  }

  @Override
  public Future<Long> nextNonce(byte[] publicKey) {
    return honest.nextNonce(publicKey);
  }

  @Override
  public Future<String> broadcast(TxEnvelope tx) {
    if (tx.getBodyType() != BodyType.SUBMIT_DELTA) {
      return honest.broadcast(tx);
    }
    SubmitDelta d;
    try {
      d = SubmitDelta.parseFrom(tx.getBody());
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(e);
    }
    ContentHash original = ContentHash.of(d.getContentHash().toByteArray());
    Path in = dir.resolve("honest-" + original.hex() + ".safetensors");
    Future<Path> file = !d.getInlineDelta().isEmpty()
        ? vertx.executeBlocking(() -> {
          Files.createDirectories(dir);
          return Files.write(in, d.getInlineDelta().toByteArray());
        })
        : vertx.executeBlocking(() -> Files.createDirectories(dir)).compose(x -> store.download(original, d.getCid(), in));
    return file.compose(f -> vertx.executeBlocking(() -> poison(f)))
        .compose(out -> vertx.executeBlocking(() -> ContentHash.sha256(out)).compose(h -> store.upload(out, h)).map(up -> {
          try {
            long size = Files.size(out);
            SubmitDelta.Builder b = d.toBuilder().setContentHash(ByteString.copyFrom(up.hash().bytes()))
                .setSizeBytes(size).setCid(up.cid() == null ? "" : up.cid()).clearInlineDelta();
            if (size < TxLimits.INLINE_DELTA_MAX_BYTES) {
              b.setInlineDelta(ByteString.copyFrom(Files.readAllBytes(out))).setCid("");
            }
            return TxEnvelopes.sign(key, tx.getChainId(), tx.getNonce(), BodyType.SUBMIT_DELTA, b.build());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }))
        .compose(honest::broadcast);
  }

  private Path poison(Path file) throws java.io.IOException {
    DeltaFile honestFile = DeltaFile.read(file);
    boolean lora = honestFile.tensors().keySet().stream().anyMatch(n -> n.endsWith(DeltaFile.LORA_B_SUFFIX));
    Map<String, FloatTensor> poisoned = new TreeMap<>();
    honestFile.tensors().forEach((name, t) -> {
      float[] v = t.data().clone();
      if (!lora || name.endsWith(DeltaFile.LORA_B_SUFFIX)) {
        for (int i = 0; i < v.length; i++) {
          v[i] *= factor;
        }
      }
      poisoned.put(name, new FloatTensor(t.shape(), v));
    });
    Path out = dir.resolve("poisoned-" + file.getFileName());
    DeltaFile.of(honestFile.metadata(), poisoned).write(out);
    return out;
  }
}
