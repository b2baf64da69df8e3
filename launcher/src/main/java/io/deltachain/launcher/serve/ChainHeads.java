package io.deltachain.launcher.serve;

import io.deltachain.abci.client.ChainClient;
import io.deltachain.core.content.ContentHash;
import io.deltachain.inference.load.HeadsLoader;
import io.deltachain.store.client.DeltaStoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The chain's current heads for a model's layers, and their checkpoint files from the delta
 * store: what {@link HeadsLoader} applies to the base before serving. Blocking (call off the event
 * loop).
 */
public final class ChainHeads {
  private final ChainClient chain;
  private final DeltaStoreClient store;
  private final Path tmp;
  private final Map<String, String> cids = new TreeMap<>();

  /**
   * @param chain the chain's RPC client
   * @param store the delta store's client
   * @param tmp directory for downloads
   */
  public ChainHeads(ChainClient chain, DeltaStoreClient store, Path tmp) {
    this.chain = chain;
    this.store = store;
    this.tmp = tmp;
  }

  private static <T> T await(Future<T> f) throws IOException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      throw new IOException(c.getMessage(), c);
    }
  }

  /**
   * @param layers module paths to look up (e.g. {@code model.layers.0 .. model.layers.N-1})
   * @return head checkpoint hash (hex) by layer, for the layers with an accepted checkpoint
   */
  public Map<String, String> heads(List<String> layers) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String layer : layers) {
      ChainClient.QueryResult q = await(chain.abciQuery("/layer/" + layer + "/head", null));
      if (q.code() != 0) {
        continue; // no accepted checkpoint: the base weights stand
      }
      JsonObject j = q.json();
      JsonObject ckpt = j.getJsonObject("checkpoint");
      if (ckpt == null) {
        continue; // the head is the registered base
      }
      out.put(layer, j.getString("head"));
      if (ckpt.getString("cid") != null) {
        cids.put(j.getString("head"), ckpt.getString("cid"));
      }
    }
    return out;
  }

  /** @return a blob source downloading through the delta store, verified against the hash */
  public HeadsLoader.BlobSource blobs() {
    return hash -> {
      Path target = tmp.resolve(hash.hex() + ".safetensors");
      await(store.download(hash, cids.get(hash.hex()), target));
      try {
        return Files.readAllBytes(target);
      } finally {
        Files.deleteIfExists(target);
      }
    };
  }

  /** @return the CID of a head checkpoint, if the chain recorded one */
  public String cid(ContentHash hash) {
    return cids.get(hash.hex());
  }
}
