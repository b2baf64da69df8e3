package io.deltachain.trainer.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as tokens 0..255: no vocabulary file, any language, what the tiny profiles (vocab
 * 256) use. The NUL byte, which never occurs in UTF-8 text, doubles as end-of-document.
 */
public final class ByteTokenizer implements Tokenizer {
  /** End-of-document id (the NUL byte). */
  public static final int EOS = 0;

  private final int vocabSize;

  /**
   * Creates a byte tokenizer for a model vocabulary.
   *
   * @param vocabSize the model's vocabulary size, at least 256
   */
  public ByteTokenizer(int vocabSize) {
    if (vocabSize < 256) {
      throw new IllegalArgumentException("a byte-level tokenizer needs vocab_size >= 256, got " + vocabSize);
    }
    this.vocabSize = vocabSize;
  }

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
    for (int id : ids) {
      if (id > 0 && id < 256) {
        out.write(id);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int eosId() {
    return EOS;
  }

  @Override
  public String id() {
    return "bytes";
  }
}
