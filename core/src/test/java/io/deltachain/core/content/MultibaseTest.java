package io.deltachain.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultibaseTest {

  /** The multibase spec's test vectors (multiformats/multibase tests/test2, test4, test5.csv). */
  @ParameterizedTest(name = "{0} of {1}")
  @CsvSource(delimiter = '|', value = {
    "BASE16|yes mani !|f796573206d616e692021",
    "BASE16_UPPER|yes mani !|F796573206D616E692021",
    "BASE32|yes mani !|bpfsxgidnmfxgsibb",
    "BASE32_UPPER|yes mani !|BPFSXGIDNMFXGSIBB",
    "BASE58BTC|yes mani !|z7paNL19xttacUY",
    "BASE16|\\x00yes mani !|f00796573206d616e692021",
    "BASE32|\\x00yes mani !|bab4wk4zanvqw42jaee",
    "BASE58BTC|\\x00yes mani !|z17paNL19xttacUY",
    "BASE16|\\x00\\x00yes mani !|f0000796573206d616e692021",
    "BASE32|\\x00\\x00yes mani !|baaahszltebwwc3tjeaqq",
    "BASE58BTC|\\x00\\x00yes mani !|z117paNL19xttacUY",
  })
  @DisplayName("encodes and decodes the multibase spec's vectors")
  void specVectors(Multibase base, String input, String encoded) {
    byte[] data = input.replace("\\x00", "\0").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(base.encode(data)).isEqualTo(encoded);
    assertThat(Multibase.decode(encoded)).isEqualTo(data);
    assertThat(Multibase.baseOf(encoded)).isEqualTo(base);
  }

  @Test
  @DisplayName("base32 and base16 decode regardless of case, as the spec's test6 requires")
  void caseInsensitiveBases() {
    byte[] hello = "hello world".getBytes(StandardCharsets.US_ASCII);
    assertThat(Multibase.decode("bnbswy3dpeB3W64TMMQ")).isEqualTo(hello);
    assertThat(Multibase.decode("Bnbswy3dpeB3W64TMMQ")).isEqualTo(hello);
    assertThat(Multibase.decode("f68656c6c6f20776F726C64")).isEqualTo(hello);
  }

  @Test
  @DisplayName("random byte strings, leading zeros included, round-trip through every base")
  void randomRoundTrip() {
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] data = new byte[random.nextInt(48)];
      random.nextBytes(data);
      for (int z = 0; z < Math.min(i % 4, data.length); z++) {
        data[z] = 0;
      }
      for (Multibase base : Multibase.values()) {
        assertThat(Multibase.decode(base.encode(data))).as("%s of %d bytes", base, data.length).isEqualTo(data);
      }
    }
  }

  @Test
  @DisplayName("bad multibase input names the bad prefix, character, length or padding bits")
  void badInput() {
    assertThatThrownBy(() -> Multibase.decode("")).hasMessageContaining("empty string is not multibase");
    assertThatThrownBy(() -> Multibase.decode("m123")).hasMessageContaining("bad multibase prefix 'm'");
    assertThatThrownBy(() -> Multibase.decode("bnbsw=")).hasMessageContaining("bad base32 char '='");
    assertThatThrownBy(() -> Multibase.decode("bn")).hasMessageContaining("bad base32 length 1");
    // "bnb": 15 bits encode one byte and 7 leftover bits that must be zero.
    assertThatThrownBy(() -> Multibase.decode("bnb")).hasMessageContaining("non-zero padding bits");
    assertThatThrownBy(() -> Multibase.decode("zI")).hasMessageContaining("bad base58btc char 'I'");
    assertThatThrownBy(() -> Multibase.decode("f123")).hasMessageContaining("bad base16 length 3");
    assertThatThrownBy(() -> Multibase.decode("fzz")).hasMessageContaining("bad base16 char 'z'");
  }
}
