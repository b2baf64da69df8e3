package io.deltachain.trainer.data;

/** Text to token ids and back. */
public interface Tokenizer {

  /**
   * Encodes text without special tokens.
   *
   * @param text text
   * @return token ids
   */
  int[] encode(String text);

  /**
   * Decodes ids, skipping special tokens.
   *
   * @param ids token ids
   * @return text
   */
  String decode(int[] ids);

  /** @return ids are below this */
  int vocabSize();

  /** @return the id appended after every document when packing */
  int eosId();

  /** @return a short stable description, part of data fingerprints */
  String id();
}
