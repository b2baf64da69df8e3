package io.deltachain.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidTest {
  private static final byte[] HELLO = "hello world".getBytes(StandardCharsets.US_ASCII);
  // Published by kubo (test/cli/add_test.go) for "hello world" and its CIDv0 / dag-pb forms.
  private static final String HELLO_RAW_V1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
  private static final String HELLO_V0 = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD";
  private static final String HELLO_DAG_PB_V1 = "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa";
  private static final String EMPTY_RAW_V1 = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

  @Test
  @DisplayName("a one-chunk file gets the raw CIDv1 kubo prints for it")
  void rawV1OfHelloWorld() {
    Cid cid = Cid.rawV1(ContentHash.sha256(HELLO));
    assertThat(cid.toString()).isEqualTo(HELLO_RAW_V1);
    assertThat(Cid.parse(HELLO_RAW_V1)).isEqualTo(cid);
    assertThat(cid.version()).isEqualTo(1);
    assertThat(cid.codec()).isEqualTo(Multicodec.RAW);
    assertThat(cid.multihashDigest()).isEqualTo(ContentHash.sha256(HELLO));
    assertThat(HexFormat.of().formatHex(cid.bytes()))
        .isEqualTo("01551220" + ContentHash.sha256(HELLO).hex());
  }

  @Test
  @DisplayName("the empty file gets the raw CIDv1 kubo prints for it")
  void rawV1OfEmptyFile() {
    assertThat(Cid.rawV1(ContentHash.sha256(new byte[0])).toString()).isEqualTo(EMPTY_RAW_V1);
    assertThat(Cid.parse(EMPTY_RAW_V1).multihashDigest()).isEqualTo(ContentHash.sha256(new byte[0]));
  }

  @Test
  @DisplayName("a CIDv0 and its CIDv1 dag-pb form convert into each other")
  void v0AndDagPbV1ConvertIntoEachOther() {
    Cid v0 = Cid.parse(HELLO_V0);
    Cid v1 = Cid.parse(HELLO_DAG_PB_V1);
    assertThat(v0.version()).isZero();
    assertThat(v0.codec()).isEqualTo(Multicodec.DAG_PB);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.codec()).isEqualTo(Multicodec.DAG_PB);
    assertThat(v0.toV1().toString()).isEqualTo(HELLO_DAG_PB_V1);
    assertThat(v1.toV0().toString()).isEqualTo(HELLO_V0);
    assertThat(v0.toString()).isEqualTo(HELLO_V0);
    assertThat(v0.multihashDigest()).isEqualTo(v1.multihashDigest());
    // Same block, different CIDs: identity includes the version.
    assertThat(v0).isNotEqualTo(v1);
    assertThat(v0.toV1()).isEqualTo(v1).hasSameHashCodeAs(v1);
    assertThat(v0.toV0()).isSameAs(v0);
    assertThat(v1.toV1()).isSameAs(v1);
  }

  @Test
  @DisplayName("go-cid's CIDv0 vector round-trips and its corrupted form is rejected")
  void goCidV0Vectors() {
    // ipfs/go-cid cid_test.go TestV0Handling / TestV0ErrorCases
    String old = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    Cid cid = Cid.parse(old);
    assertThat(cid.version()).isZero();
    assertThat(cid.bytes()).hasSize(34);
    assertThat(cid.toString()).isEqualTo(old);
    assertThat(cid.toString(Multibase.BASE58BTC)).isEqualTo(old);
    assertThat(cid.toV1().toV0()).isEqualTo(cid);
    assertThatThrownBy(() -> Cid.parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zIII"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad base58btc char 'I' at position 43");
  }

  @Test
  @DisplayName("the IPFS docs' example CIDs parse as dag-pb and survive v0/v1 round trips")
  void ipfsDocsExamples() {
    Cid v0 = Cid.parse("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
    Cid v1 = Cid.parse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
    assertThat(v0.codec()).isEqualTo(Multicodec.DAG_PB);
    assertThat(v1.codec()).isEqualTo(Multicodec.DAG_PB);
    assertThat(v0.toV1().toV0().toString()).isEqualTo("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG");
    assertThat(v1.toV0().toV1().toString()).isEqualTo("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
  }

  @Test
  @DisplayName("the CID spec's base58btc CIDv1 example decodes to its human-readable parts")
  void cidSpecHumanReadableExample() {
    // multiformats/cid README: zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA
    //   = base58btc - cidv1 - raw - sha2-256-256-6e6ff795...
    Cid cid = Cid.parse("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");
    assertThat(cid.version()).isEqualTo(1);
    assertThat(cid.codec()).isEqualTo(Multicodec.RAW);
    assertThat(cid.multihashDigest().hex())
        .isEqualTo("6e6ff7950a36187a801613426e858dce686cd7d7e3c0fc42ee0330072d245c95");
    assertThat(cid.toString(Multibase.BASE58BTC)).isEqualTo("zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA");
    // The same CID read from its base32 form is equal: the multibase is not part of identity.
    assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
    assertThat(cid.toString()).startsWith("bafkrei");
  }

  @Test
  @DisplayName("a CIDv1 round-trips through every supported multibase")
  void roundTripsThroughEveryBase() {
    Cid cid = Cid.rawV1(ContentHash.sha256(HELLO));
    for (Multibase base : Multibase.values()) {
      String s = cid.toString(base);
      assertThat(s.charAt(0)).isEqualTo(base.prefix());
      assertThat(Cid.parse(s)).as(base.label()).isEqualTo(cid);
    }
  }

  @Test
  @DisplayName("a raw CID has no CIDv0 form and a CIDv0 has only base58btc")
  void illegalConversions() {
    Cid raw = Cid.parse(HELLO_RAW_V1);
    assertThatThrownBy(raw::toV0).isInstanceOf(IllegalStateException.class).hasMessageContaining("no CIDv0 form");
    assertThatThrownBy(() -> Cid.parse(HELLO_V0).toString(Multibase.BASE32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only written in base58btc");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "''|empty CID",
    "xafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e|bad multibase prefix 'x'",
    "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n51|bad base32 char '1' at position 58",
    "zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93b0|bad base58btc char '0'",
    "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyf|is 45 characters long",
    "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfl|bad base58btc char 'l'",
    // 01 71 (dag-cbor) 12 20 <32 zero bytes>
    "bafyreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|unknown codec 0x71",
    // 01 55 12 10 <16 zero bytes>: a 16-byte sha2-256 digest
    "f0155121000000000000000000000000000000000|wrong digest length 16",
    // 01 55 12 20 <31 bytes>
    "f01551220000000000000000000000000000000000000000000000000000000000000|truncated digest",
    // 01 55 12 20 <33 bytes>
    "f01551220000000000000000000000000000000000000000000000000000000000000000000|1 trailing byte",
    // 01 55 13 20 ...: sha2-512 function code
    "f0155132000000000000000000000000000000000000000000000000000000000000000|unsupported multihash function 0x13",
    // 01 ff: the codec varint's continuation bit is set and nothing follows
    "f01ff|truncated varint",
    "f|empty binary CID",
    // 02 55 ...: version 2 is reserved
    "f025512200000000000000000000000000000000000000000000000000000000000000000|unsupported CID version 2",
    // 01 d5 00 (0x55 with a redundant zero byte)
    "f01d5001220|non-minimal varint",
    // the CIDv0 multihash behind a multibase prefix
    "f12200000000000000000000000000000000000000000000000000000000000000000|may not be multibase-encoded",
  })
  @DisplayName("bad CIDs are rejected with a message naming the problem")
  void rejectsBadInput(String input, String expectedMessage) {
    assertThatThrownBy(() -> Cid.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expectedMessage);
  }

  @Test
  @DisplayName("an overlong CID string is rejected before any decoding")
  void rejectsOverlong() {
    String huge = "z" + "2".repeat(200_000);
    assertThatThrownBy(() -> Cid.parse(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200001 characters is longer than any supported CID");
  }

  @Test
  @DisplayName("a null CID string is rejected")
  void rejectsNull() {
    assertThatThrownBy(() -> Cid.parse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty CID");
  }
}
