package io.deltachain.core.tensor;

import static io.deltachain.core.tensor.SafeTensorsFiles.floatsLe;
import static io.deltachain.core.tensor.SafeTensorsFiles.raw;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a safetensors file can be broken is refused with a message naming the file and the problem. */
class SafeTensorsMalformedTest {
  @TempDir Path dir;

  private static final String X = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  private void rejects(Path f, String... phrases) {
    var a = assertThatThrownBy(() -> SafeTensorsReader.open(f).close())
        .isInstanceOf(SafeTensorsFormatException.class)
        .hasMessageContaining(f.toString());
    for (String p : phrases) {
      a.hasMessageContaining(p);
    }
  }

  @Test
  @DisplayName("a well-formed baseline file is accepted (so the cases below fail for their own reason)")
  void baselineIsValid() throws IOException {
    Path f = raw(dir.resolve("ok"), X, floatsLe(1, 2));
    SafeTensorsReader.open(f).close();
  }

  @Test
  @DisplayName("a file shorter than the length prefix")
  void tooShort() throws IOException {
    Path f = dir.resolve("short");
    Files.write(f, new byte[] {1, 2, 3});
    rejects(f, "too short");
  }

  @Test
  @DisplayName("a header length past the end of the file")
  void headerPastEnd() throws IOException {
    byte[] h = X.getBytes(StandardCharsets.UTF_8);
    rejects(raw(dir.resolve("past"), h.length + 100, h, floatsLe(1, 2)), "runs past the end");
  }

  @Test
  @DisplayName("a header length above 100,000,000 bytes, and one with the top bit set")
  void headerTooLarge() throws IOException {
    byte[] h = X.getBytes(StandardCharsets.UTF_8);
    rejects(raw(dir.resolve("big"), 100_000_001L, h, floatsLe(1, 2)), "exceeds", "100000000");
    rejects(raw(dir.resolve("neg"), -1L, h, floatsLe(1, 2)), "exceeds", "18446744073709551615");
  }

  @Test
  @DisplayName("a header that is not JSON, not UTF-8, not an object, or has trailing junk")
  void notJson() throws IOException {
    rejects(raw(dir.resolve("nj"), "{\"x\": [1, 2", new byte[0]), "not valid JSON");
    rejects(raw(dir.resolve("brace"), "[1,2]   ", new byte[0]), "does not start with '{'");
    rejects(raw(dir.resolve("utf8"), 4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, new byte[0]), "UTF-8");
    rejects(raw(dir.resolve("trail"), X + " {}", floatsLe(1, 2)), "not valid JSON");
  }

  @Test
  @DisplayName("an unknown or unsupported dtype")
  void unknownDtype() throws IOException {
    rejects(raw(dir.resolve("dt"), X.replace("F32", "F33"), floatsLe(1, 2)), "'x'", "unknown or unsupported dtype 'F33'");
    rejects(raw(dir.resolve("f8"), X.replace("F32", "F8_E4M3").replace("[0,8]", "[0,2]"), new byte[2]), "F8_E4M3");
    rejects(raw(dir.resolve("lower"), X.replace("F32", "f32"), floatsLe(1, 2)), "'f32'");
  }

  @Test
  @DisplayName("bad shapes and offsets: negative, fractional, wrong arity, missing, extra fields")
  void badEntries() throws IOException {
    rejects(raw(dir.resolve("negdim"), X.replace("[2]", "[-2]"), floatsLe(1, 2)), "negative");
    rejects(raw(dir.resolve("frac"), X.replace("[2]", "[2.0]"), floatsLe(1, 2)), "not an integer");
    rejects(raw(dir.resolve("arity"), X.replace("[0,8]", "[0,4,8]"), floatsLe(1, 2)), "'data_offsets' has 3 entries");
    rejects(raw(dir.resolve("noshape"), "{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", floatsLe(1, 2)), "no 'shape'");
    rejects(raw(dir.resolve("extra"), X.replace("\"dtype\"", "\"foo\":1,\"dtype\""), floatsLe(1, 2)), "unknown field 'foo'");
    rejects(raw(dir.resolve("notobj"), "{\"x\":5}", new byte[0]), "'x' is not a JSON object");
    rejects(raw(dir.resolve("reversed"), X.replace("[0,8]", "[8,0]"), floatsLe(1, 2)), "not a valid range");
  }

  @Test
  @DisplayName("a byte range whose length is not numel times the element size")
  void sizeMismatch() throws IOException {
    rejects(raw(dir.resolve("sz"), X.replace("[2]", "[3]"), floatsLe(1, 2)), "span 8 bytes", "needs 12 bytes");
  }

  @Test
  @DisplayName("offsets with a hole, an overlap, or not starting at zero")
  void tiling() throws IOException {
    String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    rejects(raw(dir.resolve("hole"), hole, new byte[12]), "hole", "[4, 8)");
    String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    rejects(raw(dir.resolve("overlap"), overlap, new byte[8]), "overlaps");
    String late = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    rejects(raw(dir.resolve("late"), late, new byte[8]), "hole", "[0, 4)");
  }

  @Test
  @DisplayName("a file that is truncated or has trailing bytes after the last tensor")
  void lengthMismatch() throws IOException {
    rejects(raw(dir.resolve("trunc"), X, floatsLe(1)), "describes 8 data bytes", "holds 4", "truncated");
    rejects(raw(dir.resolve("trailing"), X, floatsLe(1, 2, 3)), "holds 12", "trailing");
  }

  @Test
  @DisplayName("metadata that is not a string-to-string map")
  void badMetadata() throws IOException {
    rejects(raw(dir.resolve("num"), "{\"__metadata__\":{\"k\":1}," + X.substring(1), floatsLe(1, 2)),
        "metadata value for key 'k' is not a string");
    rejects(raw(dir.resolve("nested"), "{\"__metadata__\":{\"k\":{\"a\":\"b\"}}," + X.substring(1), floatsLe(1, 2)),
        "metadata value for key 'k'");
    rejects(raw(dir.resolve("arr"), "{\"__metadata__\":[\"a\"]," + X.substring(1), floatsLe(1, 2)),
        "'__metadata__' is not a JSON object");
  }

  @Test
  @DisplayName("duplicate keys, at the top level or inside an entry")
  void duplicateKeys() throws IOException {
    String dup = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    rejects(raw(dir.resolve("dup"), dup, new byte[8]), "duplicate key", "'x'");
    rejects(raw(dir.resolve("dupinner"), X.replace("\"dtype\":\"F32\"", "\"dtype\":\"F32\",\"dtype\":\"F16\""),
        floatsLe(1, 2)), "duplicate key", "dtype");
    rejects(raw(dir.resolve("dupmeta"), "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}," + X.substring(1), floatsLe(1, 2)),
        "duplicate key");
  }

  @Test
  @DisplayName("a header padded with trailing spaces is accepted")
  void paddingAccepted() throws IOException {
    SafeTensorsReader.open(raw(dir.resolve("pad"), X + "      ", floatsLe(1, 2))).close();
  }
}
