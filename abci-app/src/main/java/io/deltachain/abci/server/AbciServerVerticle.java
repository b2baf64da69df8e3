package io.deltachain.abci.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.Response;
import io.deltachain.abci.proto.ResponseFlush;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ABCI socket server: CometBFT's four connections (query, snapshot, mempool, consensus),
 * or any number of others, each carrying any request type. Every connection is read on this
 * verticle's event loop; requests go to one {@link AbciDispatcher} thread in arrival order;
 * each connection answers exactly one response per request, in request order, and answers
 * {@code Flush} only after every response before it.
 */
public final class AbciServerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AbciServerVerticle.class);
  private static final Response FLUSH = Response.newBuilder().setFlush(ResponseFlush.getDefaultInstance()).build();

  /** Largest accepted frame: CometBFT's hard cap on a block is 100 MB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 128 * 1024 * 1024;

  private final AbciApplication app;
  private final String host;
  private final int port;
  private final Halter halter;
  private final int maxFrameBytes;
  private AbciDispatcher dispatcher;
  private NetServer server;

  /**
   * @param host listen address, e.g. 127.0.0.1
   * @param port listen port; 0 picks a free one (see {@link #actualPort()})
   */
  public AbciServerVerticle(AbciApplication app, String host, int port, Halter halter) {
    this(app, host, port, halter, DEFAULT_MAX_FRAME_BYTES);
  }

  /** As above with an explicit frame size limit. */
  public AbciServerVerticle(AbciApplication app, String host, int port, Halter halter, int maxFrameBytes) {
    this.app = app;
    this.host = host;
    this.port = port;
    this.halter = halter;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public Future<?> start() {
    dispatcher = new AbciDispatcher(app, halter);
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
    server.connectHandler(this::accept);
    return server.listen().onSuccess(s -> LOG.info("ABCI server listening on {}:{}", host, s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(v -> vertx.executeBlocking(() -> {
      dispatcher.close();
      return null;
    }));
  }

  /** The bound port (useful when started with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** True once the application reported an unrecoverable error. */
  public boolean halted() {
    return dispatcher != null && dispatcher.halted();
  }

  private void accept(NetSocket socket) {
    LOG.info("ABCI connection from {}", socket.remoteAddress());
    new Connection(socket, context).start();
  }

  /** One client connection: frames in, ordered responses out. */
  private final class Connection {
    private final NetSocket socket;
    private final Context ctx;
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final FrameDecoder decoder;
    private boolean closed;

    Connection(NetSocket socket, Context ctx) {
      this.socket = socket;
      this.ctx = ctx;
      this.decoder = new FrameDecoder(maxFrameBytes, this::onFrame);
    }

    void start() {
      socket.handler(chunk -> {
        try {
          decoder.feed(chunk);
        } catch (FrameDecoder.FrameException e) {
          LOG.error("ABCI stream from {} cannot be framed ({}); closing the connection", socket.remoteAddress(), e.getMessage());
          closed = true;
          socket.close();
        }
      });
      socket.closeHandler(v -> {
        closed = true;
        LOG.info("ABCI connection from {} closed", socket.remoteAddress());
      });
      socket.exceptionHandler(e -> LOG.warn("ABCI connection {}: {}", socket.remoteAddress(), e.toString()));
    }

    private void onFrame(byte[] frame) {
      if (closed) {
        return;
      }
      Slot slot = new Slot();
      slots.add(slot);
      Request request;
      try {
        request = Request.parseFrom(frame);
      } catch (InvalidProtocolBufferException e) {
        // The framing is intact, so answer in place: CometBFT treats an exception as fatal,
        // which is right for a peer that speaks another protocol version.
        slot.response = AbciDispatcher.exception("cannot parse ABCI request: " + e.getMessage());
        drain();
        return;
      }
      if (request.getValueCase() == Request.ValueCase.FLUSH) {
        slot.response = FLUSH;
        drain();
        return;
      }
      dispatcher.submit(request, response -> ctx.runOnContext(v -> {
        slot.response = response;
        drain();
      }));
    }

    /** Writes every ready response at the head of the queue, in order, in one buffer. */
    private void drain() {
      Buffer out = null;
      while (!slots.isEmpty() && slots.peek().response != null) {
        Response r = slots.poll().response;
        if (out == null) {
          out = Buffer.buffer(256);
        }
        FrameDecoder.encode(r.toByteArray(), out);
      }
      if (out != null && !closed) {
        socket.write(out);
      }
    }
  }

  /** A response position in a connection's output order. */
  private static final class Slot {
    Response response;
  }
}
