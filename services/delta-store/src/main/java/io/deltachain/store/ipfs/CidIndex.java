package io.deltachain.store.ipfs;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The persistent map from content hash (SHA-256, what the chain names) to CID and size (what
 * kubo names): one small JSON file per hash under {@code indexDir/ab/<hash>.json}, written to a
 * temp file and renamed so that a crash never leaves half an entry.
 */
public final class CidIndex {
  /** One entry. */
  public record Entry(ContentHash hash, String cid, long size) {}

  private final Vertx vertx;
  private final Path dir;

  public CidIndex(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir.toAbsolutePath();
  }

  private Path path(ContentHash h) {
    return dir.resolve(h.hex().substring(0, 2)).resolve(h.hex() + ".json");
  }

  /** Creates the directory. */
  public Future<Void> init() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dir);
      return null;
    }, false);
  }

  /** The entry, or null. */
  public Future<Entry> get(ContentHash h) {
    Path p = path(h);
    return vertx.fileSystem().exists(p.toString()).compose(exists -> !exists ? Future.succeededFuture(null)
        : vertx.fileSystem().readFile(p.toString()).map(b -> {
          JsonObject j = b.toJsonObject();
          return new Entry(h, j.getString("cid"), j.getLong("size"));
        }));
  }

  /** Records an entry (replacing an older one). */
  public Future<Void> put(Entry e) {
    Path p = path(e.hash());
    return vertx.executeBlocking(() -> {
      Files.createDirectories(p.getParent());
      Path tmp = p.resolveSibling(p.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.writeString(tmp, new JsonObject().put("cid", e.cid()).put("size", e.size()).encode());
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
      return null;
    }, false);
  }

  /** Removes an entry; true if it existed. */
  public Future<Boolean> remove(ContentHash h) {
    return vertx.executeBlocking(() -> Files.deleteIfExists(path(h)), false);
  }

  /** All hashes, sorted. */
  public Future<List<ContentHash>> hashes() {
    return vertx.executeBlocking(() -> {
      List<ContentHash> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        return out;
      }
      try (Stream<Path> s = Files.walk(dir, 2)) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && n.length() == 69)
            .forEach(n -> out.add(ContentHash.parse(n.substring(0, 64))));
      }
      out.sort(null);
      return out;
    }, false);
  }
}
