package io.deltachain.core.bus;

import io.deltachain.core.content.Cid;
import io.deltachain.core.content.ContentHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict readers for event-bus JSON: a missing or mistyped field is an
 * {@link IllegalArgumentException} naming the message and the field, never a silent default
 * or a {@link ClassCastException}. Unknown fields are ignored so newer senders can add fields.
 */
public final class BusJson {
  private BusJson() {}

  /** A required string field. */
  public static String string(JsonObject o, String msg, String field) {
    Object v = require(o, msg, field);
    if (!(v instanceof String s)) {
      throw mistyped(msg, field, "a string", v);
    }
    return s;
  }

  /** An optional string field (null when absent or null). */
  public static String optString(JsonObject o, String msg, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw mistyped(msg, field, "a string", v);
    }
    return s;
  }

  /** A required integral number that fits a long. */
  public static long longValue(JsonObject o, String msg, String field) {
    Object v = require(o, msg, field);
    if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
      throw mistyped(msg, field, "an integer", v);
    }
    return ((Number) v).longValue();
  }

  /** A required integral number that fits an int. */
  public static int intValue(JsonObject o, String msg, String field) {
    long v = longValue(o, msg, field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(msg + "." + field + " = " + v + " does not fit a 32-bit integer");
    }
    return (int) v;
  }

  /** A required boolean. */
  public static boolean bool(JsonObject o, String msg, String field) {
    Object v = require(o, msg, field);
    if (!(v instanceof Boolean b)) {
      throw mistyped(msg, field, "a boolean", v);
    }
    return b;
  }

  /** A required array of strings, as an immutable list. */
  public static List<String> strings(JsonObject o, String msg, String field) {
    Object v = require(o, msg, field);
    if (!(v instanceof JsonArray a)) {
      throw mistyped(msg, field, "an array", v);
    }
    List<String> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      Object e = a.getValue(i);
      if (!(e instanceof String s)) {
        throw mistyped(msg, field + "[" + i + "]", "a string", e);
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  /** A required object of string values, as an immutable sorted map. */
  public static Map<String, String> stringMap(JsonObject o, String msg, String field) {
    Object v = require(o, msg, field);
    if (!(v instanceof JsonObject m)) {
      throw mistyped(msg, field, "an object", v);
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (String k : m.fieldNames()) {
      Object e = m.getValue(k);
      if (!(e instanceof String s)) {
        throw mistyped(msg, field + "." + k, "a string", e);
      }
      out.put(k, s);
    }
    return java.util.Collections.unmodifiableSortedMap(out);
  }

  /** A required content hash (64 hex characters). */
  public static ContentHash hash(JsonObject o, String msg, String field) {
    String s = string(o, msg, field);
    try {
      return ContentHash.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(msg + "." + field + ": " + e.getMessage(), e);
    }
  }

  /** An optional CID (null when absent). */
  public static Cid optCid(JsonObject o, String msg, String field) {
    String s = optString(o, msg, field);
    if (s == null) {
      return null;
    }
    try {
      return Cid.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(msg + "." + field + ": " + e.getMessage(), e);
    }
  }

  /** A required enum constant, by name. */
  public static <E extends Enum<E>> E enumValue(JsonObject o, String msg, String field, Class<E> type) {
    String s = string(o, msg, field);
    try {
      return Enum.valueOf(type, s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(msg + "." + field + " is '" + s + "', not one of "
          + java.util.Arrays.toString(type.getEnumConstants()), e);
    }
  }

  /** Fails with a message naming the field when {@code value} is null. */
  public static <T> T requireField(T value, String msg, String field) {
    if (value == null) {
      throw new IllegalArgumentException(msg + "." + field + " is required");
    }
    return value;
  }

  /** Fails with a message naming the field when {@code value} is negative. */
  public static long requireNonNegative(long value, String msg, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(msg + "." + field + " must not be negative, got " + value);
    }
    return value;
  }

  /**
   * Fails unless {@code value} is a node address: 40 uppercase hex characters (20 bytes), as
   * {@link io.deltachain.core.crypto.NodeKey#addressHex()} prints it.
   */
  public static String requireAddress(String value, String msg, String field) {
    requireField(value, msg, field);
    if (value.length() != 40 || !value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
      throw new IllegalArgumentException(msg + "." + field + " '" + abbreviate(value)
          + "' is not a node address (40 uppercase hex characters)");
    }
    return value;
  }

  /** Fails when {@code value} is null or blank. */
  public static String requireNonBlank(String value, String msg, String field) {
    requireField(value, msg, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(msg + "." + field + " must not be blank");
    }
    return value;
  }

  private static Object require(JsonObject o, String msg, String field) {
    if (o == null) {
      throw new IllegalArgumentException(msg + ": no JSON body");
    }
    Object v = o.getValue(field);
    if (v == null) {
      throw new IllegalArgumentException(msg + "." + field + " is required");
    }
    return v;
  }

  private static IllegalArgumentException mistyped(String msg, String field, String expected, Object got) {
    return new IllegalArgumentException(msg + "." + field + " must be " + expected + ", got "
        + (got == null ? "null" : got.getClass().getSimpleName() + " " + abbreviate(String.valueOf(got))));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
