package io.deltachain.abci.server;

import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.RequestFlush;
import io.deltachain.abci.proto.Response;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A blocking ABCI client for tests: writes length-prefixed requests as CometBFT does and reads responses. */
public final class AbciSocketClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  public AbciSocketClient(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    socket.setSoTimeout(20_000);
    socket.setTcpNoDelay(true);
    out = new BufferedOutputStream(socket.getOutputStream());
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** Writes raw bytes (possibly partial frames) and flushes. */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Writes one request frame without flushing the socket. */
  public void send(Request r) throws IOException {
    r.writeDelimitedTo(out);
  }

  /** Writes a Flush request and flushes the socket. */
  public void sendFlush() throws IOException {
    send(Request.newBuilder().setFlush(RequestFlush.getDefaultInstance()).build());
    out.flush();
  }

  /** Reads one response frame. */
  public Response read() throws IOException {
    Response r = Response.parseDelimitedFrom(in);
    if (r == null) {
      throw new IOException("connection closed by the server");
    }
    return r;
  }

  /** Sends a request and a flush, reads the response and the flush response (CometBFT's synchronous call). */
  public Response call(Request r) throws IOException {
    send(r);
    sendFlush();
    Response resp = read();
    Response flush = read();
    if (!flush.hasFlush()) {
      throw new IOException("expected ResponseFlush after " + resp.getValueCase() + ", got " + flush.getValueCase());
    }
    return resp;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
