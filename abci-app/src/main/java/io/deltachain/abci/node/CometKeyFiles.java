package io.deltachain.abci.node;

import io.deltachain.core.crypto.NodeKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads CometBFT's {@code priv_validator_key.json}: the validator's consensus key, which also
 * signs its deltachain verdicts and checkpoint votes, so that the ledger can bind each verdict
 * to a member of the validator set by its address.
 */
public final class CometKeyFiles {
  private CometKeyFiles() {}

  /**
   * The consensus key in {@code file}. The {@code priv_key.value} is 64 bytes (seed followed by
   * public key); the seed is checked against the file's {@code pub_key} and {@code address}.
   */
  public static NodeKey readPrivValidatorKey(Path file) throws IOException {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new IOException(file + " is not JSON: " + e.getMessage(), e);
    }
    JsonObject priv = json.getJsonObject("priv_key");
    JsonObject pub = json.getJsonObject("pub_key");
    if (priv == null || pub == null) {
      throw new IOException(file + " has no priv_key/pub_key: is it a priv_validator_key.json?");
    }
    if (!"tendermint/PrivKeyEd25519".equals(priv.getString("type"))) {
      throw new IOException(file + " holds a " + priv.getString("type") + " key; deltachain validators use ed25519");
    }
    byte[] raw = Base64.getDecoder().decode(priv.getString("value", ""));
    if (raw.length != 64) {
      throw new IOException(file + ": an ed25519 priv_key is 64 bytes, got " + raw.length);
    }
    NodeKey key = NodeKey.fromSeed(Arrays.copyOf(raw, 32));
    byte[] pubRaw = Base64.getDecoder().decode(pub.getString("value", ""));
    if (!Arrays.equals(key.publicKey(), pubRaw) || !Arrays.equals(key.publicKey(), Arrays.copyOfRange(raw, 32, 64))) {
      throw new IOException(file + ": the private key does not match the public key");
    }
    String address = json.getString("address");
    if (address != null && !address.equalsIgnoreCase(key.addressHex())) {
      throw new IOException(file + ": address " + address + " does not match the key's address " + key.addressHex());
    }
    return key;
  }
}
