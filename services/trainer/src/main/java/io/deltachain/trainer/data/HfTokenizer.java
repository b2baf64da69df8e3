package io.deltachain.trainer.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.deltachain.core.content.ContentHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's Rust tokenizers binding (the native library
 * ships inside the Maven jar; nothing is downloaded).
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int vocabSize;
  private final int eosId;
  private final String id;

  /**
   * Loads a tokenizer file with a known end-of-sequence id (the config's {@code eos_token_id}).
   *
   * @param tokenizerJson path of tokenizer.json
   * @param vocabSize the model's vocabulary size (ids must stay below it)
   * @param eosId the end-of-sequence id
   * @throws IOException if the file cannot be read
   */
  public HfTokenizer(Path tokenizerJson, int vocabSize, int eosId) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("tokenizer file not found: " + tokenizerJson);
    }
    if (eosId < 0 || eosId >= vocabSize) {
      throw new IOException("eos id " + eosId + " is outside the vocabulary of " + vocabSize);
    }
    this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    this.eosId = eosId;
    this.vocabSize = vocabSize;
    this.id = "hf:" + ContentHash.sha256(tokenizerJson).hex().substring(0, 16);
  }

  /**
   * Loads a tokenizer file.
   *
   * @param tokenizerJson path of tokenizer.json
   * @param vocabSize the model's vocabulary size (ids must stay below it)
   * @param eosToken the end-of-sequence token text, such as {@code </s>} or {@code <|endoftext|>}
   * @throws IOException if the file cannot be read or lacks the EOS token
   */
  public HfTokenizer(Path tokenizerJson, int vocabSize, String eosToken) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("tokenizer file not found: " + tokenizerJson);
    }
    this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
    long[] eos = tokenizer.encode(eosToken).getIds();
    if (eos.length != 1) {
      tokenizer.close();
      throw new IOException("'" + eosToken + "' is not a single token in " + tokenizerJson);
    }
    this.eosId = (int) eos[0];
    this.vocabSize = vocabSize;
    this.id = "hf:" + ContentHash.sha256(tokenizerJson).hex().substring(0, 16);
  }

  @Override
  public int[] encode(String text) {
    Encoding enc = tokenizer.encode(text, false, false);
    long[] ids = enc.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= vocabSize) {
        throw new IllegalStateException("token id " + ids[i] + " exceeds the model's vocab_size " + vocabSize);
      }
      out[i] = (int) ids[i];
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
