package io.deltachain.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrivValidatorKeyTest {
  /** A throwaway key file written by {@code cometbft init} (v0.38.25), byte for byte. */
  private static final String COMETBFT_WRITTEN = """
      {
        "address": "31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951",
        "pub_key": {
          "type": "tendermint/PubKeyEd25519",
          "value": "YvQvkx/j0+j5psWAGixwnkD6uFbQ3ZaZEIqAtPG3awQ="
        },
        "priv_key": {
          "type": "tendermint/PrivKeyEd25519",
          "value": "790+sMyTYIjTgbzRFpImTIPKXaIX7Qci7cuOzJ6WinRi9C+TH+PT6PmmxYAaLHCeQPq4VtDdlpkQioC08bdrBA=="
        }
      }""";
  private static final byte[] RFC_SEED =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  @Test
  @DisplayName("a key file written by cometbft init reads as the node key CometBFT addresses it by")
  void readsCometbftFile() {
    NodeKey key = PrivValidatorKey.parse(COMETBFT_WRITTEN);
    assertThat(key.addressHex()).isEqualTo("31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951");
    assertThat(java.util.Base64.getEncoder().encodeToString(key.publicKey()))
        .isEqualTo("YvQvkx/j0+j5psWAGixwnkD6uFbQ3ZaZEIqAtPG3awQ=");
  }

  @Test
  @DisplayName("the written form is byte-identical to what CometBFT writes for the same key")
  void writesCometbftLayout() {
    NodeKey cometKey = PrivValidatorKey.parse(COMETBFT_WRITTEN);
    assertThat(PrivValidatorKey.toJson(cometKey)).isEqualTo(COMETBFT_WRITTEN);
  }

  @Test
  @DisplayName("a written key reads back as the same key")
  void roundTrip() {
    NodeKey key = NodeKey.fromSeed(RFC_SEED);
    NodeKey back = PrivValidatorKey.parse(PrivValidatorKey.toJson(key));
    assertThat(back.publicKey()).isEqualTo(key.publicKey());
    assertThat(back.seed()).isEqualTo(RFC_SEED);
    assertThat(PrivValidatorKey.toJson(key)).contains("\"address\": \"" + key.addressHex() + "\"");
  }

  @Test
  @DisplayName("a lowercase address is accepted, as CometBFT's own hex decoding does")
  void lowercaseAddress() {
    String lower = COMETBFT_WRITTEN.replace("31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951", "31bb3351d5afab9a2ac2294cbdefb384e6b14951");
    assertThat(PrivValidatorKey.parse(lower).addressHex()).isEqualTo("31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951");
  }

  // Each row replaces one piece of the cometbft-written file and names the expected complaint.
  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
    // priv_key type
    "`tendermint/PrivKeyEd25519`|`tendermint/PrivKeySecp256k1`|priv_key.type is 'tendermint/PrivKeySecp256k1', expected 'tendermint/PrivKeyEd25519'",
    // pub_key type
    "`tendermint/PubKeyEd25519`|`tendermint/PubKeySecp256k1`|pub_key.type is 'tendermint/PubKeySecp256k1'",
    // the last byte of priv_key's public half changed (0x04 -> 0x05)
    "`C08bdrBA==`|`C08bdrBQ==`|priv_key.value: its last 32 bytes are not the public key of its seed",
    // a 32-byte priv_key value (seed only)
    "`790+sMyTYIjTgbzRFpImTIPKXaIX7Qci7cuOzJ6WinRi9C+TH+PT6PmmxYAaLHCeQPq4VtDdlpkQioC08bdrBA==`|`790+sMyTYIjTgbzRFpImTIPKXaIX7Qci7cuOzJ6WinQ=`|priv_key.value is 32 bytes, expected 64",
    "`790+sMyTYIjTgbzRFpImTIPKXaIX7Qci7cuOzJ6WinRi9C+TH+PT6PmmxYAaLHCeQPq4VtDdlpkQioC08bdrBA==`|`not base64!`|priv_key.value is not base64",
    "`31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951`|`31BB3351D5AFAB9A2AC2294CBDEFB384E6B14952`|does not match the public key (expected 31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951)",
    "`31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951`|`31BB3351D5AFAB9A2AC2294CBDEFB384E6B149`|address is 19 bytes, expected 20",
    "`31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951`|`not-hex`|address 'not-hex' is not hexadecimal",
    "`\"address\"`|`\"addr\"`|missing address",
    "`\"priv_key\"`|`\"private_key\"`|missing priv_key",
  })
  @DisplayName("a malformed key file is rejected with a message naming the problem")
  void rejectsMalformed(String original, String replacement, String expectedMessage) {
    assertThat(COMETBFT_WRITTEN).contains(original);
    String broken = COMETBFT_WRITTEN.replace(original, replacement);
    assertThatThrownBy(() -> PrivValidatorKey.parse(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expectedMessage);
  }

  @Test
  @DisplayName("a pub_key that differs from priv_key's own public half is rejected")
  void rejectsPubKeyMismatch() {
    NodeKey other = NodeKey.fromSeed(RFC_SEED);
    String otherPub = java.util.Base64.getEncoder().encodeToString(other.publicKey());
    String broken = COMETBFT_WRITTEN.replaceFirst(
        "\"value\": \"YvQvkx/j0\\+j5psWAGixwnkD6uFbQ3ZaZEIqAtPG3awQ=\"", "\"value\": \"" + otherPub + "\"");
    assertThat(broken).isNotEqualTo(COMETBFT_WRITTEN);
    assertThatThrownBy(() -> PrivValidatorKey.parse(broken))
        .hasMessageContaining("pub_key.value does not match the public key of priv_key");
  }

  @Test
  @DisplayName("text that is not a JSON object, or has fields of the wrong kind, is rejected")
  void rejectsNonJson() {
    assertThatThrownBy(() -> PrivValidatorKey.parse("")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> PrivValidatorKey.parse("[1,2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> PrivValidatorKey.parse("{\"priv_key\": 5}")).hasMessageContaining("priv_key is not an object");
    assertThatThrownBy(() -> PrivValidatorKey.parse(COMETBFT_WRITTEN.replace("\"31BB3351D5AFAB9A2AC2294CBDEFB384E6B14951\"", "7")))
        .hasMessageContaining("address is not a string");
  }
}
