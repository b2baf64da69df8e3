package io.deltachain.abci.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.RequestCheckTx;
import io.deltachain.abci.proto.RequestCommit;
import io.deltachain.abci.proto.RequestEcho;
import io.deltachain.abci.proto.RequestFinalizeBlock;
import io.deltachain.abci.proto.RequestInfo;
import io.deltachain.abci.proto.RequestInitChain;
import io.deltachain.abci.proto.RequestPrepareProposal;
import io.deltachain.abci.proto.RequestProcessProposal;
import io.deltachain.abci.proto.RequestQuery;
import io.deltachain.abci.proto.Response;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.abci.proto.ResponseCommit;
import io.deltachain.abci.proto.ResponseFinalizeBlock;
import io.deltachain.abci.proto.ResponseInfo;
import io.deltachain.abci.proto.ResponseInitChain;
import io.deltachain.abci.proto.ResponsePrepareProposal;
import io.deltachain.abci.proto.ResponseProcessProposal;
import io.deltachain.abci.proto.ResponseQuery;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AbciServerVerticleTest {
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final List<String> halts = new CopyOnWriteArrayList<>();
  private AbciServerVerticle server;
  private int port;

  /** Records every call with its thread; CheckTx echoes the tx length as its code; slow calls sleep. */
  private final class RecordingApp implements AbciApplication {
    private void record(String what) {
      calls.add(what + "@" + Thread.currentThread().getName());
    }

    @Override
    public ResponseInfo info(RequestInfo r) {
      record("info");
      return ResponseInfo.newBuilder().setLastBlockHeight(7).build();
    }

    @Override
    public ResponseInitChain initChain(RequestInitChain r) {
      record("initChain");
      return ResponseInitChain.getDefaultInstance();
    }

    @Override
    public ResponseQuery query(RequestQuery r) {
      record("query");
      if (r.getPath().equals("/boom")) {
        throw new IllegalStateException("query bug");
      }
      return ResponseQuery.newBuilder().setLog(r.getPath()).build();
    }

    @Override
    public ResponseCheckTx checkTx(RequestCheckTx r) {
      record("checkTx" + r.getTx().size());
      return ResponseCheckTx.newBuilder().setCode(r.getTx().size()).build();
    }

    @Override
    public ResponsePrepareProposal prepareProposal(RequestPrepareProposal r) {
      record("prepare");
      return ResponsePrepareProposal.newBuilder().addAllTxs(r.getTxsList()).build();
    }

    @Override
    public ResponseProcessProposal processProposal(RequestProcessProposal r) {
      record("process");
      return ResponseProcessProposal.newBuilder().setStatus(ResponseProcessProposal.ProposalStatus.ACCEPT).build();
    }

    @Override
    public ResponseFinalizeBlock finalizeBlock(RequestFinalizeBlock r) {
      record("finalize" + r.getHeight());
      if (r.getHeight() == 666) {
        throw new IllegalStateException("broken invariant");
      }
      sleep(50); // a slow block must still be answered before anything queued after it
      return ResponseFinalizeBlock.getDefaultInstance();
    }

    @Override
    public ResponseCommit commit(RequestCommit r) {
      record("commit");
      return ResponseCommit.getDefaultInstance();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    server = new AbciServerVerticle(new RecordingApp(), "127.0.0.1", 0, (reason, cause) -> halts.add(reason));
    vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterEach
  void stop(Vertx vertx) throws Exception {
    vertx.undeploy(server.deploymentID()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Request checkTx(int size) {
    return Request.newBuilder().setCheckTx(RequestCheckTx.newBuilder().setTx(ByteString.copyFrom(new byte[size]))).build();
  }

  @Test
  @DisplayName("pipelined CheckTx requests get one response each, in order, and Flush comes after them")
  void pipelinedCheckTx() throws Exception {
    try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", port)) {
      for (int i = 1; i <= 200; i++) {
        c.send(checkTx(i));
      }
      c.sendFlush();
      for (int i = 1; i <= 200; i++) {
        Response r = c.read();
        assertThat(r.getValueCase()).isEqualTo(Response.ValueCase.CHECK_TX);
        assertThat(r.getCheckTx().getCode()).isEqualTo(i);
      }
      assertThat(c.read().hasFlush()).isTrue();
    }
  }

  @Test
  @DisplayName("requests split at every byte and merged into one write are answered identically")
  void splitAndMergedWrites() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    Request.newBuilder().setEcho(RequestEcho.newBuilder().setMessage("hello")).build().writeDelimitedTo(stream);
    checkTx(300).writeDelimitedTo(stream);
    Request.newBuilder().setQuery(RequestQuery.newBuilder().setPath("/params")).build().writeDelimitedTo(stream);
    Request.newBuilder().setFlush(io.deltachain.abci.proto.RequestFlush.getDefaultInstance()).build().writeDelimitedTo(stream);
    byte[] bytes = stream.toByteArray();
    try (AbciSocketClient split = new AbciSocketClient("127.0.0.1", port);
        AbciSocketClient merged = new AbciSocketClient("127.0.0.1", port)) {
      for (byte b : bytes) {
        split.writeRaw(new byte[] {b});
      }
      merged.writeRaw(bytes);
      for (AbciSocketClient c : List.of(split, merged)) {
        assertThat(c.read().getEcho().getMessage()).isEqualTo("hello");
        assertThat(c.read().getCheckTx().getCode()).isEqualTo(300);
        assertThat(c.read().getQuery().getLog()).isEqualTo("/params");
        assertThat(c.read().hasFlush()).isTrue();
      }
    }
  }

  @Test
  @DisplayName("four connections carry any request type and every call runs on the one app thread in arrival order")
  void fourConnectionsAnyRequest() throws Exception {
    List<AbciSocketClient> conns = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        conns.add(new AbciSocketClient("127.0.0.1", port));
      }
      // The "query" connection runs a block; the "consensus" connection answers Info: roles do not matter.
      AbciSocketClient a = conns.get(0);
      AbciSocketClient b = conns.get(3);
      assertThat(b.call(Request.newBuilder().setInfo(RequestInfo.getDefaultInstance()).build()).getInfo().getLastBlockHeight())
          .isEqualTo(7);
      a.send(Request.newBuilder().setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(1)).build());
      a.send(Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build());
      a.sendFlush();
      // While the slow block runs, a CheckTx on another connection queues behind it.
      conns.get(2).send(checkTx(5));
      conns.get(2).sendFlush();
      assertThat(a.read().hasFinalizeBlock()).isTrue();
      assertThat(a.read().hasCommit()).isTrue();
      assertThat(a.read().hasFlush()).isTrue();
      assertThat(conns.get(2).read().getCheckTx().getCode()).isEqualTo(5);
      assertThat(conns.get(2).read().hasFlush()).isTrue();
    } finally {
      for (AbciSocketClient c : conns) {
        c.close();
      }
    }
    assertThat(calls).containsExactly("info@abci-app", "finalize1@abci-app", "commit@abci-app", "checkTx5@abci-app");
  }

  @Test
  @DisplayName("a consensus call that throws halts the app and answers an exception; a query that throws does not")
  void haltOnConsensusError() throws Exception {
    try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", port)) {
      Response q = c.call(Request.newBuilder().setQuery(RequestQuery.newBuilder().setPath("/boom")).build());
      assertThat(q.getQuery().getCode()).isEqualTo(99);
      assertThat(q.getQuery().getLog()).contains("query bug");
      assertThat(halts).isEmpty();

      Response r = c.call(Request.newBuilder().setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(666)).build());
      assertThat(r.hasException()).isTrue();
      assertThat(r.getException().getError()).contains("broken invariant");
      assertThat(halts).singleElement().asString().contains("FINALIZE_BLOCK").contains("broken invariant");
      assertThat(server.halted()).isTrue();
    }
  }

  @Test
  @DisplayName("a request with no known type is answered with an exception, keeping the response count")
  void unknownRequest() throws Exception {
    try (AbciSocketClient c = new AbciSocketClient("127.0.0.1", port)) {
      c.writeRaw(new byte[] {0}); // an empty Request: no oneof field set
      c.send(checkTx(3));
      c.sendFlush();
      assertThat(c.read().getException().getError()).contains("unknown ABCI request");
      assertThat(c.read().getCheckTx().getCode()).isEqualTo(3);
      assertThat(c.read().hasFlush()).isTrue();
    }
  }
}
