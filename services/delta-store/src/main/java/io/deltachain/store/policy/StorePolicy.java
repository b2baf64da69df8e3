package io.deltachain.store.policy;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.tx.TxLimits;
import io.deltachain.store.ContentStat;
import io.deltachain.store.ContentStore;
import io.deltachain.store.ContentStream;
import io.deltachain.store.PutOptions;
import io.deltachain.store.PutResult;
import io.deltachain.store.RangeRequest;
import io.deltachain.store.StoreError;
import io.deltachain.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes stores: a primary (the local disk) that every write goes to first, replicas (IPFS
 * nodes, other disks) that each write is copied to, and a read-through cache: content missing
 * from the primary is fetched from the first replica that has it, verified, kept in the primary
 * and served from there. It also decides what rides inline in a transaction
 * ({@link #place(Path)}): content up to {@code inlineMaxBytes} (default
 * {@link TxLimits#INLINE_DELTA_MAX_BYTES}) is handed back as bytes instead of stored.
 */
public final class StorePolicy implements ContentStore {
  private static final Logger LOG = LoggerFactory.getLogger(StorePolicy.class);

  /**
   * @param inlineMaxBytes content up to this size may ride inline in a transaction
   * @param minReplicas how many replicas must take a write for it to succeed
   * @param readThroughCache whether content read from a replica is kept in the primary
   */
  public record Config(long inlineMaxBytes, int minReplicas, boolean readThroughCache) {
    public Config {
      if (inlineMaxBytes < 0 || inlineMaxBytes > TxLimits.INLINE_DELTA_MAX_BYTES) {
        throw new IllegalArgumentException("policy.inlineMaxBytes must be 0.." + TxLimits.INLINE_DELTA_MAX_BYTES
            + " (it must fit a transaction), got " + inlineMaxBytes);
      }
      if (minReplicas < 0) {
        throw new IllegalArgumentException("policy.minReplicas must be >= 0, got " + minReplicas);
      }
    }

    /** Defaults: the project's inline threshold, every replica required, read-through on. */
    public static Config defaults(int replicas) {
      return new Config(TxLimits.INLINE_DELTA_MAX_BYTES, replicas, true);
    }

    /** Reads {@code {"inlineMaxBytes", "minReplicas", "readThroughCache"}}. */
    public static Config fromJson(JsonObject j, int replicas) {
      return new Config(j.getLong("inlineMaxBytes", (long) TxLimits.INLINE_DELTA_MAX_BYTES),
          j.getInteger("minReplicas", replicas), j.getBoolean("readThroughCache", true));
    }
  }

  /** Where a delta goes: inline in the transaction, or stored and named by hash (and CID). */
  public sealed interface Placement {
    /** The hash of the content. */
    ContentHash hash();
  }

  /** Small enough for the transaction: the bytes themselves. */
  public record Inline(ContentHash hash, byte[] bytes) implements Placement {}

  /** Stored off chain. */
  public record Stored(PutResult result) implements Placement {
    @Override
    public ContentHash hash() {
      return result.hash();
    }
  }

  private final Vertx vertx;
  private final ContentStore primary;
  private final List<ContentStore> replicas;
  private final Config config;

  public StorePolicy(Vertx vertx, ContentStore primary, List<ContentStore> replicas, Config config) {
    if (config.minReplicas() > replicas.size()) {
      throw new IllegalArgumentException("policy.minReplicas is " + config.minReplicas() + " but only "
          + replicas.size() + " replica stores are configured");
    }
    this.vertx = vertx;
    this.primary = primary;
    this.replicas = List.copyOf(replicas);
    this.config = config;
  }

  @Override
  public String name() {
    StringBuilder sb = new StringBuilder(primary.name());
    for (ContentStore r : replicas) {
      sb.append('+').append(r.name());
    }
    return sb.toString();
  }

  /** The configuration. */
  public Config config() {
    return config;
  }

  /** Whether content of this size may ride inline in a transaction. */
  public boolean inlineEligible(long size) {
    return size <= config.inlineMaxBytes();
  }

  /**
   * Decides where a delta file goes: inline (its bytes returned, nothing stored) when it is
   * small enough, otherwise stored and replicated.
   */
  public Future<Placement> place(Path file) {
    return vertx.fileSystem().props(file.toString()).compose(props -> {
      if (inlineEligible(props.size())) {
        return vertx.executeBlocking(() -> {
          byte[] bytes = Files.readAllBytes(file);
          if (!inlineEligible(bytes.length)) {
            throw new StoreException(StoreError.BAD_REQUEST, file + " grew while it was read");
          }
          return (Placement) new Inline(ContentHash.sha256(bytes), bytes);
        }, false);
      }
      return putFile(file, PutOptions.NONE).map(r -> (Placement) new Stored(r));
    });
  }

  @Override
  public Future<PutResult> put(ReadStream<Buffer> source, PutOptions options) {
    return primary.put(source, options).compose(this::replicate);
  }

  @Override
  public Future<PutResult> putFile(Path file, PutOptions options) {
    return primary.putFile(file, options).compose(this::replicate);
  }

  private Future<PutResult> replicate(PutResult stored) {
    if (replicas.isEmpty()) {
      return Future.succeededFuture(stored);
    }
    List<Future<PutResult>> copies = new ArrayList<>();
    for (ContentStore replica : replicas) {
      copies.add(copy(primary, replica, stored.hash()));
    }
    return Future.join(copies).transform(ar -> {
      PutResult result = stored;
      int ok = 0;
      JsonArray failures = new JsonArray();
      for (int i = 0; i < copies.size(); i++) {
        Future<PutResult> f = copies.get(i);
        if (f.succeeded()) {
          ok++;
          if (result.cid() == null) {
            result = result.withCid(f.result().cid());
          }
        } else {
          failures.add(replicas.get(i).name() + ": " + f.cause().getMessage());
          LOG.warn("replicating {} to {} failed: {}", stored.hash().hex(), replicas.get(i).name(), f.cause().getMessage());
        }
      }
      if (ok < config.minReplicas()) {
        return Future.failedFuture(new StoreException(StoreError.BACKEND_UNAVAILABLE,
            "content " + stored.hash().hex() + " is stored in " + primary.name() + " but reached only " + ok + " of "
                + replicas.size() + " replicas (" + config.minReplicas() + " required): " + failures.encode(),
            new JsonObject().put("hash", stored.hash().hex()).put("replicaFailures", failures), null));
      }
      return Future.succeededFuture(result);
    });
  }

  private static Future<PutResult> copy(ContentStore from, ContentStore to, ContentHash hash) {
    return from.get(hash, null).compose(cs -> {
      cs.stream().pause();
      return to.put(cs.stream(), PutOptions.NONE.withExpectedHash(hash).withDeclaredSize(cs.stat().size()))
          .andThen(ar -> cs.close());
    });
  }

  @Override
  public Future<ContentStream> get(ContentHash hash, RangeRequest range) {
    return primary.exists(hash).compose(here -> {
      if (here) {
        return primary.get(hash, range);
      }
      return firstReplicaWith(hash, 0).compose(replica -> {
        if (!config.readThroughCache()) {
          return replica.get(hash, range);
        }
        LOG.info("read-through: fetching {} from {} into {}", hash.hex(), replica.name(), primary.name());
        return copy(replica, primary, hash).compose(r -> primary.get(hash, range));
      });
    });
  }

  private Future<ContentStore> firstReplicaWith(ContentHash hash, int from) {
    if (from >= replicas.size()) {
      return Future.failedFuture(StoreException.notFound(hash.hex()));
    }
    ContentStore r = replicas.get(from);
    return r.exists(hash).recover(t -> Future.succeededFuture(false))
        .compose(has -> has ? Future.succeededFuture(r) : firstReplicaWith(hash, from + 1));
  }

  @Override
  public Future<ContentStat> stat(ContentHash hash) {
    return primary.stat(hash).compose(s -> cidFromReplicas(hash, 0).map(cid -> cid == null ? s
            : new ContentStat(s.hash(), s.size(), cid, s.pinned())))
        .recover(t -> isNotFound(t) ? firstReplicaWith(hash, 0).compose(r -> r.stat(hash)) : Future.failedFuture(t));
  }

  private Future<String> cidFromReplicas(ContentHash hash, int from) {
    if (from >= replicas.size()) {
      return Future.succeededFuture(null);
    }
    return replicas.get(from).stat(hash).map(ContentStat::cid).recover(t -> Future.succeededFuture(null))
        .compose(cid -> cid != null ? Future.succeededFuture(cid) : cidFromReplicas(hash, from + 1));
  }

  private static boolean isNotFound(Throwable t) {
    return t instanceof StoreException se && se.error() == StoreError.NOT_FOUND;
  }

  @Override
  public Future<Boolean> exists(ContentHash hash) {
    return primary.exists(hash).compose(here -> here ? Future.succeededFuture(true)
        : firstReplicaWith(hash, 0).map(r -> true).recover(t -> Future.succeededFuture(false)));
  }

  @Override
  public Future<Void> pin(ContentHash hash) {
    List<Future<Void>> pins = new ArrayList<>();
    pins.add(primary.pin(hash));
    replicas.forEach(r -> pins.add(r.pin(hash)));
    return Future.join(pins).transform(ar -> pins.stream().anyMatch(Future::succeeded)
        ? Future.succeededFuture()
        : Future.failedFuture(pins.get(0).cause()));
  }

  @Override
  public Future<Void> unpin(ContentHash hash) {
    List<Future<Void>> all = new ArrayList<>();
    all.add(primary.unpin(hash));
    replicas.forEach(r -> all.add(r.unpin(hash)));
    return Future.all(all).mapEmpty();
  }

  @Override
  public Future<Boolean> delete(ContentHash hash) {
    List<Future<Boolean>> all = new ArrayList<>();
    all.add(primary.delete(hash));
    replicas.forEach(r -> all.add(r.delete(hash)));
    return Future.all(all).map(cf -> all.stream().anyMatch(Future::result));
  }

  @Override
  public Future<List<ContentHash>> list() {
    List<Future<List<ContentHash>>> all = new ArrayList<>();
    all.add(primary.list());
    replicas.forEach(r -> all.add(r.list()));
    return Future.all(all).map(cf -> {
      TreeSet<ContentHash> union = new TreeSet<>();
      all.forEach(f -> union.addAll(f.result()));
      return List.copyOf(union);
    });
  }

  @Override
  public Future<ContentStat> link(ContentHash hash, String cid) {
    List<Future<ContentStat>> links = new ArrayList<>();
    for (ContentStore r : replicas) {
      links.add(r.link(hash, cid));
    }
    return Future.join(links).transform(ar -> links.stream().filter(Future::succeeded).findFirst()
        .map(f -> Future.succeededFuture(f.result()))
        .orElseGet(() -> Future.failedFuture(links.isEmpty()
            ? new StoreException(StoreError.UNSUPPORTED, "no IPFS store is configured, so CID " + cid + " cannot be linked")
            : links.get(0).cause())));
  }
}
