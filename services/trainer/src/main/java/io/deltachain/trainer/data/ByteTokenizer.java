package io.deltachain.trainer.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as tokens 0..255, with BOS = 256 and EOS = 257: no vocabulary file, any language,
 * what the tiny profiles use.
 */
public final class ByteTokenizer implements Tokenizer {
    /** Beginning-of-sequence id. */
    public static final int BOS = 256;
    /** End-of-sequence id. */
    public static final int EOS = 257;

    private final int vocabSize;

    /**
     * Creates a byte tokenizer for a model vocabulary.
     *
     * @param vocabSize the model's vocabulary size, at least 258
     */
    public ByteTokenizer(int vocabSize) {
        if (vocabSize < 258) {
            throw new IllegalArgumentException("a byte-level tokenizer needs vocab_size >= 258 (256 bytes + BOS + EOS),"
                    + " got " + vocabSize);
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
            if (id >= 0 && id < 256) {
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
