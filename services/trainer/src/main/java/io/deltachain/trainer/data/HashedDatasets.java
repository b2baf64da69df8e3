package io.deltachain.trainer.data;

import io.deltachain.core.content.ContentHash;
import io.deltachain.trainer.model.LayerCheckpoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Datasets addressed by content hash: a round's train set and evaluation set as the round service
 * stored them in the delta store. Their bytes are the canonical text, every document followed by
 * {@code '\n'} in UTF-8, so the SHA-256 of the blob is the dataset hash the chain records
 * ({@code dataset_hash}, {@code eval_set_hash}). A task names such a dataset as
 * {@code sha256:<hex>} ({@link #spec}). Fetched bytes whose hash differs are refused, naming
 * the dataset, and nothing is trained or evaluated on them.
 *
 * <p>Parsed datasets are cached per hash (a few at a time), so a node running or judging several
 * tasks of one round fetches each dataset once.
 */
public final class HashedDatasets {
  /** The prefix of a hash-addressed dataset spec. */
  public static final String PREFIX = "sha256:";
  private static final int KEPT = 8;
  private static final Map<ContentHash, Corpus> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ContentHash, Corpus> eldest) {
      return size() > KEPT;
    }
  };

  private HashedDatasets() {
  }

  /** The spec naming the dataset of this hash ({@code sha256:<hex>}). */
  public static String spec(ContentHash hash) {
    return PREFIX + hash.hex();
  }

  /** Whether a dataset spec names a dataset by hash. */
  public static boolean isHashSpec(String spec) {
    return spec != null && spec.startsWith(PREFIX);
  }

  /**
   * The hash a {@code sha256:<hex>} spec names.
   *
   * @throws IllegalArgumentException when the spec is not one, naming it
   */
  public static ContentHash hashOf(String spec) {
    if (!isHashSpec(spec)) {
      throw new IllegalArgumentException("dataset '" + spec + "' is not hash-addressed (sha256:<64 hex digits>)");
    }
    try {
      return ContentHash.parse(spec.substring(PREFIX.length()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("dataset '" + spec + "': " + e.getMessage(), e);
    }
  }

  /** The canonical bytes of documents: each as UTF-8 followed by {@code '\n'}. */
  public static byte[] canonicalBytes(List<String> documents) {
    StringBuilder b = new StringBuilder();
    for (String d : documents) {
      b.append(d).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses canonical bytes after checking their hash.
   *
   * @param expected the hash the chain records
   * @param bytes the fetched bytes
   * @return the corpus, named {@code sha256:<hex>}, whose hash is {@code expected}
   * @throws IOException naming the dataset when the bytes do not hash to it or are not canonical text
   */
  public static Corpus parse(ContentHash expected, byte[] bytes) throws IOException {
    ContentHash actual = ContentHash.sha256(bytes);
    if (!actual.equals(expected)) {
      throw new IOException("dataset " + spec(expected) + ": the fetched " + bytes.length + " bytes hash to "
          + actual.hex() + "; refusing them");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("dataset " + spec(expected) + " is not UTF-8 text: " + e.getMessage(), e);
    }
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      throw new IOException("dataset " + spec(expected) + " has no documents or does not end with a line break"
          + " (canonical text is every document followed by '\\n')");
    }
    List<String> docs = new ArrayList<>(List.of(text.substring(0, text.length() - 1).split("\n", -1)));
    return new Corpus(spec(expected), List.copyOf(docs), expected);
  }

  /**
   * The dataset of a hash, from the cache or fetched from a blob source and verified.
   *
   * @param hash the dataset hash
   * @param source where the blob is fetched (the delta store)
   * @return the corpus
   * @throws IOException when it cannot be fetched or its bytes do not match the hash
   */
  public static Corpus fetch(ContentHash hash, LayerCheckpoints.BlobSource source) throws IOException {
    synchronized (CACHE) {
      Corpus c = CACHE.get(hash);
      if (c != null) {
        return c;
      }
    }
    byte[] bytes;
    try {
      bytes = source.fetch(hash);
    } catch (IOException e) {
      throw new IOException("dataset " + spec(hash) + " could not be fetched: " + e.getMessage(), e);
    }
    Corpus c = parse(hash, bytes);
    synchronized (CACHE) {
      CACHE.put(hash, c);
    }
    return c;
  }
}
