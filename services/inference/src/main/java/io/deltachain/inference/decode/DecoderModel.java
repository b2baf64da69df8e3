package io.deltachain.inference.decode;

/** A causal language model that decoding sessions can be opened on. */
public interface DecoderModel {
  /** @return a name for logs and statistics */
  String name();

  /** @return vocabulary size (target and draft must agree) */
  int vocabSize();

  /** @return parameter count, used to choose a draft by size */
  long parameterCount();

  /** @return the longest sequence a session can hold */
  int maxPositions();

  /** @return a fresh session with an empty KV cache */
  DecoderSession open();
}
