package io.deltachain.abci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.RequestFlush;
import io.deltachain.abci.proto.RequestInfo;
import io.deltachain.abci.proto.Response;
import io.deltachain.abci.proto.ResponseCommit;
import io.deltachain.abci.proto.ResponseFlush;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private static final HexFormat HEX = HexFormat.of();
  /** CometBFT v0.38.25's handshake Info request followed by a Flush (reference 2.6). */
  static final String GOLDEN_INFO_FLUSH = "161a140a07302e33382e3235100b18082205322e302e30" + "021200";

  @Test
  @DisplayName("the generated classes encode the handshake Info and Flush exactly as CometBFT does")
  void goldenHandshakeBytes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Request.newBuilder().setInfo(RequestInfo.newBuilder().setVersion("0.38.25").setBlockVersion(11)
        .setP2PVersion(8).setAbciVersion("2.0.0")).build().writeDelimitedTo(out);
    Request.newBuilder().setFlush(RequestFlush.getDefaultInstance()).build().writeDelimitedTo(out);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(GOLDEN_INFO_FLUSH);

    assertThat(HEX.formatHex(frame(Response.newBuilder().setFlush(ResponseFlush.getDefaultInstance()).build().toByteArray())))
        .isEqualTo("021a00");
    assertThat(HEX.formatHex(frame(Response.newBuilder().setCommit(ResponseCommit.getDefaultInstance()).build().toByteArray())))
        .isEqualTo("026200");
  }

  @Test
  @DisplayName("two frames in one buffer come out as two frames")
  void mergedFrames() throws Exception {
    List<byte[]> frames = new ArrayList<>();
    new FrameDecoder(1 << 20, frames::add).feed(Buffer.buffer(HEX.parseHex(GOLDEN_INFO_FLUSH)));
    assertThat(frames).hasSize(2);
    Request info = Request.parseFrom(frames.get(0));
    assertThat(info.getInfo().getVersion()).isEqualTo("0.38.25");
    assertThat(info.getInfo().getAbciVersion()).isEqualTo("2.0.0");
    assertThat(Request.parseFrom(frames.get(1)).hasFlush()).isTrue();
  }

  @Test
  @DisplayName("frames split at every byte boundary are reassembled")
  void byteByByte() throws Exception {
    byte[] stream = HEX.parseHex(GOLDEN_INFO_FLUSH);
    List<byte[]> frames = new ArrayList<>();
    FrameDecoder d = new FrameDecoder(1 << 20, frames::add);
    for (byte b : stream) {
      d.feed(Buffer.buffer(new byte[] {b}));
    }
    assertThat(frames).hasSize(2);
    assertThat(Request.parseFrom(frames.get(0)).getInfo().getBlockVersion()).isEqualTo(11);
    assertThat(d.bufferedBytes()).isZero();
  }

  @Test
  @DisplayName("a multi-byte length prefix split across buffers, with the next frame's start, decodes")
  void splitVarintAndBody() {
    byte[] big = new byte[300]; // length 300 = varint ac 02
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    byte[] small = {7, 8, 9};
    byte[] stream = concat(frame(big), frame(small));
    assertThat(stream[0] & 0xff).isEqualTo(0xac);
    assertThat(stream[1] & 0xff).isEqualTo(0x02);
    List<byte[]> frames = new ArrayList<>();
    FrameDecoder d = new FrameDecoder(1 << 20, frames::add);
    d.feed(Buffer.buffer(new byte[] {stream[0]}));
    assertThat(frames).isEmpty();
    d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(stream, 1, 150)));
    assertThat(frames).isEmpty();
    d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(stream, 150, 303)));
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0)).isEqualTo(big);
    d.feed(Buffer.buffer(java.util.Arrays.copyOfRange(stream, 303, stream.length)));
    assertThat(frames).hasSize(2);
    assertThat(frames.get(1)).isEqualTo(small);
  }

  @Test
  @DisplayName("an empty frame (a zero length prefix) is delivered as an empty body")
  void emptyFrame() {
    List<byte[]> frames = new ArrayList<>();
    new FrameDecoder(16, frames::add).feed(Buffer.buffer(new byte[] {0, 0}));
    assertThat(frames).hasSize(2).allSatisfy(f -> assertThat(f).isEmpty());
  }

  @Test
  @DisplayName("a frame above the limit or an overlong varint is a protocol error")
  void limits() {
    FrameDecoder d = new FrameDecoder(100, f -> {});
    assertThatThrownBy(() -> d.feed(Buffer.buffer(HEX.parseHex("ac02"))))
        .isInstanceOf(FrameDecoder.FrameException.class).hasMessageContaining("300 bytes exceeds the limit of 100");
    FrameDecoder d2 = new FrameDecoder(100, f -> {});
    assertThatThrownBy(() -> d2.feed(Buffer.buffer(HEX.parseHex("ffffffffffffffffffff01"))))
        .isInstanceOf(FrameDecoder.FrameException.class).hasMessageContaining("longer than 10 bytes");
  }

  static byte[] frame(byte[] body) {
    return FrameDecoder.encode(body, Buffer.buffer()).getBytes();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
