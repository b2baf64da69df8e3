package io.deltachain.round.data;

import io.deltachain.core.content.ContentHash;
import java.util.List;
import java.util.Objects;

/**
 * A registered dataset: documents (one per line of the source, without line breaks), named by
 * the SHA-256 of their canonical encoding, each document's UTF-8 bytes followed by a newline.
 *
 * @param hash the content hash; the dataset's identity
 * @param name a human name (not unique; the hash is)
 * @param documents the documents, in registration order
 * @param bytes the size of the canonical encoding
 */
public record Dataset(ContentHash hash, String name, List<String> documents, long bytes) {
  /** Copies. */
  public Dataset {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(name, "name");
    documents = List.copyOf(documents);
  }

  /** The number of documents. */
  public int size() {
    return documents.size();
  }
}
