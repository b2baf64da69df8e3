package io.deltachain.core.crypto;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * CometBFT's {@code priv_validator_key.json}, the file {@code cometbft init} writes:
 *
 * <pre>{@code
 * {
 *   "address": "<20 bytes, uppercase hex>",
 *   "pub_key": {"type": "tendermint/PubKeyEd25519", "value": "<base64 of 32 bytes>"},
 *   "priv_key": {"type": "tendermint/PrivKeyEd25519", "value": "<base64 of seed || public key>"}
 * }
 * }</pre>
 *
 * Reading validates everything CometBFT would trust blindly: both type strings, the lengths,
 * that the public key in {@code priv_key} is the one its seed derives, that {@code pub_key}
 * is the same key, and that {@code address} is SHA-256(public key)[0:20]. A validator thus
 * signs deltachain transactions with exactly the identity CometBFT votes with.
 *
 * <p>This class does not look at file permissions; {@link KeyFiles} does.
 */
public final class PrivValidatorKey {
  /** CometBFT's amino type name of an Ed25519 public key. */
  public static final String PUB_KEY_TYPE = "tendermint/PubKeyEd25519";
  /** CometBFT's amino type name of an Ed25519 private key. */
  public static final String PRIV_KEY_TYPE = "tendermint/PrivKeyEd25519";
  private static final int PRIV_KEY_VALUE_LENGTH = Ed25519.SEED_LENGTH + Ed25519.PUBLIC_KEY_LENGTH;

  private PrivValidatorKey() {}

  /**
   * Parses and validates the JSON text of a key file.
   *
   * @throws IllegalArgumentException naming the first problem found
   */
  public static NodeKey parse(String json) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException | NullPointerException e) {
      throw new IllegalArgumentException("not a JSON object: " + firstLine(e.getMessage()), e);
    }
    byte[] priv = keyValue(root, "priv_key", PRIV_KEY_TYPE, PRIV_KEY_VALUE_LENGTH);
    byte[] seed = Arrays.copyOf(priv, Ed25519.SEED_LENGTH);
    byte[] pubInPriv = Arrays.copyOfRange(priv, Ed25519.SEED_LENGTH, PRIV_KEY_VALUE_LENGTH);
    Arrays.fill(priv, (byte) 0);
    NodeKey key;
    try {
      key = NodeKey.fromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
    if (!MessageDigest.isEqual(key.publicKey(), pubInPriv)) {
      throw new IllegalArgumentException(
          "priv_key.value: its last 32 bytes are not the public key of its seed (corrupted or hand-edited key)");
    }
    byte[] pub = keyValue(root, "pub_key", PUB_KEY_TYPE, Ed25519.PUBLIC_KEY_LENGTH);
    if (!MessageDigest.isEqual(key.publicKey(), pub)) {
      throw new IllegalArgumentException("pub_key.value does not match the public key of priv_key");
    }
    String address = string(root, "address");
    byte[] addressBytes;
    try {
      addressBytes = HexFormat.of().parseHex(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address '" + address + "' is not hexadecimal", e);
    }
    if (addressBytes.length != NodeKey.ADDRESS_LENGTH) {
      throw new IllegalArgumentException("address is " + addressBytes.length + " bytes, expected " + NodeKey.ADDRESS_LENGTH);
    }
    if (!Arrays.equals(addressBytes, key.address())) {
      throw new IllegalArgumentException(
          "address " + address + " does not match the public key (expected " + key.addressHex() + ")");
    }
    return key;
  }

  /**
   * Reads and validates a key file (without checking its permissions).
   *
   * @throws InvalidKeyFileException naming the file and the problem
   * @throws java.nio.file.NoSuchFileException when it does not exist
   */
  public static NodeKey read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyFileException(file, "not a valid CometBFT priv_validator_key.json: " + e.getMessage(), e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** The key file text, formatted exactly as CometBFT writes it. */
  public static String toJson(NodeKey key) {
    Base64.Encoder b64 = Base64.getEncoder();
    byte[] pub = key.publicKey();
    byte[] priv = new byte[PRIV_KEY_VALUE_LENGTH];
    byte[] seed = key.seed();
    System.arraycopy(seed, 0, priv, 0, Ed25519.SEED_LENGTH);
    System.arraycopy(pub, 0, priv, Ed25519.SEED_LENGTH, Ed25519.PUBLIC_KEY_LENGTH);
    Arrays.fill(seed, (byte) 0);
    String json = "{\n"
        + "  \"address\": \"" + key.addressHex() + "\",\n"
        + "  \"pub_key\": {\n"
        + "    \"type\": \"" + PUB_KEY_TYPE + "\",\n"
        + "    \"value\": \"" + b64.encodeToString(pub) + "\"\n"
        + "  },\n"
        + "  \"priv_key\": {\n"
        + "    \"type\": \"" + PRIV_KEY_TYPE + "\",\n"
        + "    \"value\": \"" + b64.encodeToString(priv) + "\"\n"
        + "  }\n"
        + "}";
    Arrays.fill(priv, (byte) 0);
    return json;
  }

  /**
   * Writes a key file readable only by its owner (see {@link KeyFiles#save}); CometBFT can use
   * it as its {@code priv_validator_key.json}. Refuses to replace an existing file.
   *
   * @throws java.nio.file.FileAlreadyExistsException when the file exists
   */
  public static void write(Path file, NodeKey key) throws IOException {
    KeyFiles.writeSecret(file, toJson(key).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] keyValue(JsonObject root, String field, String expectedType, int expectedLength) {
    Object node = root.getValue(field);
    if (!(node instanceof JsonObject obj)) {
      throw new IllegalArgumentException(node == null ? "missing " + field : field + " is not an object");
    }
    String type = string(obj, field + ".type");
    if (!expectedType.equals(type)) {
      throw new IllegalArgumentException(field + ".type is '" + type + "', expected '" + expectedType + "'");
    }
    String value = string(obj, field + ".value");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ".value is not base64: " + e.getMessage(), e);
    }
    if (bytes.length != expectedLength) {
      throw new IllegalArgumentException(
          field + ".value is " + bytes.length + " bytes, expected " + expectedLength);
    }
    return bytes;
  }

  private static String string(JsonObject obj, String path) {
    String name = path.substring(path.lastIndexOf('.') + 1);
    Object v = obj.getValue(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + path);
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(path + " is not a string");
    }
    return s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "empty input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
