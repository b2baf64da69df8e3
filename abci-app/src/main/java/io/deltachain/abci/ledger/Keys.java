package io.deltachain.abci.ledger;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * State key layout and identifier rules. Keys are ASCII; addresses are uppercase hex (as
 * CometBFT prints them), hashes and ids lowercase hex, heights zero-padded so that key order
 * is numeric order.
 */
final class Keys {
  static final HexFormat HEX = HexFormat.of();
  static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
  /** Round ids and layer names: Hugging Face module paths and simple ids. */
  static final Pattern IDENT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  static final String CHAIN_ID = "chain/id";
  static final String PARAMS = "param/ledger";

  private Keys() {}

  static String addr(byte[] address) {
    return HEX_UPPER.formatHex(address);
  }

  static String hex(byte[] hash) {
    return HEX.formatHex(hash);
  }

  static String height(long h) {
    return String.format(java.util.Locale.ROOT, "%020d", h);
  }

  static String coordinatorAllow(byte[] address) {
    return "allow/coordinator/" + addr(address);
  }

  static String validatorAllow(byte[] address) {
    return "allow/validator/" + addr(address);
  }

  static String node(byte[] address) {
    return "node/" + addr(address);
  }

  static String validator(byte[] address) {
    return "val/" + addr(address);
  }

  static String nonce(byte[] address) {
    return "nonce/" + addr(address);
  }

  static String round(String id) {
    return "round/" + id;
  }

  static String roundDelta(String roundId, byte[] deltaId) {
    return "rdelta/" + roundId + "/" + hex(deltaId);
  }

  static String delta(byte[] id) {
    return "delta/" + hex(id);
  }

  static String verdict(byte[] deltaId, byte[] validator) {
    return "verdict/" + hex(deltaId) + "/" + addr(validator);
  }

  static String pending(long deadline, byte[] deltaId) {
    return "pending/" + height(deadline) + "/" + hex(deltaId);
  }

  static String checkpoint(byte[] hash) {
    return "ckpt/" + hex(hash);
  }

  static String checkpointVote(String roundId, String layer, byte[] validator) {
    return "cvote/" + roundId + "/" + layer + "/" + addr(validator);
  }

  static String head(String layer) {
    return "head/" + layer;
  }

  static String rollbackVote(String layer, byte[] validator) {
    return "rbvote/" + layer + "/" + addr(validator);
  }

  static String dispute(byte[] deltaId, byte[] signer) {
    return "dispute/" + hex(deltaId) + "/" + addr(signer);
  }
}
