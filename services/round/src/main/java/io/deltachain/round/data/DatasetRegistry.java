package io.deltachain.round.data;

import io.deltachain.core.content.ContentHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Datasets by content hash. Registering the same documents twice gives the same hash and keeps
 * one copy; a document may not contain a line break (it would change the encoding's meaning).
 */
public final class DatasetRegistry {
  private final Map<ContentHash, Dataset> byHash = new TreeMap<>();

  /** The hash of documents in the canonical encoding (UTF-8, each followed by a newline). */
  public static ContentHash hashOf(List<String> documents) {
    MessageDigest d = ContentHash.newDigest();
    for (String doc : documents) {
      d.update(doc.getBytes(StandardCharsets.UTF_8));
      d.update((byte) '\n');
    }
    return ContentHash.of(d.digest());
  }

  /**
   * Registers documents under a name, returning the dataset (the existing one when these exact
   * documents are already registered).
   *
   * @throws IllegalArgumentException for no documents, a blank name, or a document with a line break
   */
  public synchronized Dataset register(String name, List<String> documents) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("dataset name must not be blank");
    }
    if (documents == null || documents.isEmpty()) {
      throw new IllegalArgumentException("dataset '" + name + "' has no documents");
    }
    long bytes = 0;
    for (int i = 0; i < documents.size(); i++) {
      String doc = documents.get(i);
      if (doc == null) {
        throw new IllegalArgumentException("document " + i + " of dataset '" + name + "' is null");
      }
      if (doc.indexOf('\n') >= 0 || doc.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "document " + i + " of dataset '" + name + "' contains a line break; one document per line");
      }
      bytes += doc.getBytes(StandardCharsets.UTF_8).length + 1L;
    }
    ContentHash hash = hashOf(documents);
    Dataset existing = byHash.get(hash);
    if (existing != null) {
      return existing;
    }
    Dataset ds = new Dataset(hash, name, new ArrayList<>(documents), bytes);
    byHash.put(hash, ds);
    return ds;
  }

  /** A dataset by hash. */
  public synchronized Optional<Dataset> get(ContentHash hash) {
    return Optional.ofNullable(byHash.get(hash));
  }

  /**
   * A dataset by its hash in hex, or by name when exactly one dataset has it.
   *
   * @throws IllegalArgumentException when several datasets share the name
   */
  public synchronized Optional<Dataset> find(String hashOrName) {
    if (hashOrName == null) {
      return Optional.empty();
    }
    if (hashOrName.matches("[0-9a-fA-F]{64}")) {
      return get(ContentHash.parse(hashOrName.toLowerCase(java.util.Locale.ROOT)));
    }
    List<Dataset> named = byHash.values().stream().filter(d -> d.name().equals(hashOrName)).toList();
    if (named.size() > 1) {
      throw new IllegalArgumentException("several datasets are named '" + hashOrName + "'; use the hash: "
          + named.stream().map(d -> d.hash().hex()).toList());
    }
    return named.stream().findFirst();
  }

  /** Every dataset, by hash. */
  public synchronized Collection<Dataset> all() {
    return List.copyOf(byHash.values());
  }
}
