package io.deltachain.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnsignedVarintTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The unsigned-varint spec's examples (multiformats/unsigned-varint README). */
  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({"1,01", "127,7f", "128,8001", "255,ff01", "300,ac02", "16384,808001", "85,55", "112,70"})
  @DisplayName("encodes and decodes the spec's examples")
  void specExamples(long value, String hex) {
    assertThat(HEX.formatHex(UnsignedVarint.encode(value))).isEqualTo(hex);
    UnsignedVarint.Decoded d = UnsignedVarint.read(HEX.parseHex(hex), 0, "value");
    assertThat(d.value()).isEqualTo(value);
    assertThat(d.length()).isEqualTo(hex.length() / 2);
  }

  @Test
  @DisplayName("the largest value fits in 9 bytes and round-trips")
  void largestValue() {
    byte[] enc = UnsignedVarint.encode(Long.MAX_VALUE);
    assertThat(enc).hasSize(9);
    assertThat(UnsignedVarint.read(enc, 0, "value").value()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("truncated, over-long and non-minimal varints are rejected")
  void rejectsBadVarints() {
    assertThatThrownBy(() -> UnsignedVarint.read(HEX.parseHex("8080"), 0, "codec"))
        .hasMessageContaining("truncated varint: the codec");
    assertThatThrownBy(() -> UnsignedVarint.read(HEX.parseHex("ffffffffffffffffff01"), 0, "codec"))
        .hasMessageContaining("exceeds 9 bytes");
    assertThatThrownBy(() -> UnsignedVarint.read(HEX.parseHex("8100"), 0, "codec"))
        .hasMessageContaining("non-minimal varint");
    assertThatThrownBy(() -> UnsignedVarint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
