package io.deltachain.abci.server;

import io.deltachain.abci.proto.Request;
import io.deltachain.abci.proto.Response;
import io.deltachain.abci.proto.ResponseCheckTx;
import io.deltachain.abci.proto.ResponseEcho;
import io.deltachain.abci.proto.ResponseException;
import io.deltachain.abci.proto.ResponseFlush;
import io.deltachain.abci.proto.ResponseQuery;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every application call on one dedicated thread, in submission order. Requests from all
 * connections funnel through it, so consensus calls (InitChain, PrepareProposal,
 * ProcessProposal, FinalizeBlock, Commit) execute strictly in order and never overlap a
 * CheckTx or Query; Commit's blocking store write runs here too, off the event loop.
 */
public final class AbciDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AbciDispatcher.class);

  private final AbciApplication app;
  private final Halter halter;
  private final ExecutorService thread;
  private final ExecutorService prechecks;
  private volatile boolean halted;

  /** Creates the dispatcher and its thread ({@code abci-app}). */
  public AbciDispatcher(AbciApplication app, Halter halter) {
    this.app = app;
    this.halter = halter;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "abci-app");
      t.setDaemon(true);
      return t;
    });
    int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    this.prechecks = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "abci-precheck-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Queues a request; {@code done} receives exactly one response, on the dispatcher thread.
   * A CheckTx's stateless part starts at once on the precheck pool; its stateful part runs on
   * the application thread in arrival order like every other call.
   */
  public void submit(Request request, Consumer<Response> done) {
    if (request.getValueCase() == Request.ValueCase.CHECK_TX && !halted) {
      CompletableFuture<Object> pre = CompletableFuture.supplyAsync(() -> app.precheckTx(request.getCheckTx()), prechecks);
      thread.execute(() -> {
        Object precheck;
        try {
          precheck = pre.join();
        } catch (RuntimeException e) {
          LOG.warn("CheckTx precheck threw; checking on the application thread instead", e);
          precheck = null;
        }
        done.accept(handleCheckTx(request, precheck));
      });
      return;
    }
    thread.execute(() -> done.accept(handle(request)));
  }

  private Response handleCheckTx(Request request, Object precheck) {
    if (halted) {
      return exception("the application halted after an unrecoverable error");
    }
    try {
      return Response.newBuilder().setCheckTx(app.checkTx(request.getCheckTx(), precheck)).build();
    } catch (RuntimeException | Error e) {
      return failed(Request.ValueCase.CHECK_TX, e);
    }
  }

  /** True once an unrecoverable error was reported to the halter. */
  public boolean halted() {
    return halted;
  }

  /**
   * Computes the response to one request on the calling thread. Public for the block-cycle
   * tests, which drive the application without a socket.
   */
  public Response handle(Request request) {
    if (halted) {
      return exception("the application halted after an unrecoverable error");
    }
    Request.ValueCase kind = request.getValueCase();
    try {
      return switch (kind) {
        case ECHO -> Response.newBuilder()
            .setEcho(ResponseEcho.newBuilder().setMessage(request.getEcho().getMessage()))
            .build();
        case FLUSH -> Response.newBuilder().setFlush(ResponseFlush.getDefaultInstance()).build();
        case INFO -> Response.newBuilder().setInfo(app.info(request.getInfo())).build();
        case INIT_CHAIN -> Response.newBuilder().setInitChain(app.initChain(request.getInitChain())).build();
        case QUERY -> Response.newBuilder().setQuery(app.query(request.getQuery())).build();
        case CHECK_TX -> Response.newBuilder().setCheckTx(app.checkTx(request.getCheckTx())).build();
        case COMMIT -> Response.newBuilder().setCommit(app.commit(request.getCommit())).build();
        case LIST_SNAPSHOTS -> Response.newBuilder()
            .setListSnapshots(app.listSnapshots(request.getListSnapshots())).build();
        case OFFER_SNAPSHOT -> Response.newBuilder()
            .setOfferSnapshot(app.offerSnapshot(request.getOfferSnapshot())).build();
        case LOAD_SNAPSHOT_CHUNK -> Response.newBuilder()
            .setLoadSnapshotChunk(app.loadSnapshotChunk(request.getLoadSnapshotChunk())).build();
        case APPLY_SNAPSHOT_CHUNK -> Response.newBuilder()
            .setApplySnapshotChunk(app.applySnapshotChunk(request.getApplySnapshotChunk())).build();
        case PREPARE_PROPOSAL -> Response.newBuilder()
            .setPrepareProposal(app.prepareProposal(request.getPrepareProposal())).build();
        case PROCESS_PROPOSAL -> Response.newBuilder()
            .setProcessProposal(app.processProposal(request.getProcessProposal())).build();
        case EXTEND_VOTE -> Response.newBuilder().setExtendVote(app.extendVote(request.getExtendVote())).build();
        case VERIFY_VOTE_EXTENSION -> Response.newBuilder()
            .setVerifyVoteExtension(app.verifyVoteExtension(request.getVerifyVoteExtension())).build();
        case FINALIZE_BLOCK -> Response.newBuilder()
            .setFinalizeBlock(app.finalizeBlock(request.getFinalizeBlock())).build();
        case VALUE_NOT_SET -> exception("unknown ABCI request (no known oneof field set): is the node newer than v0.38?");
      };
    } catch (RuntimeException | Error e) {
      return failed(kind, e);
    }
  }

  private Response failed(Request.ValueCase kind, Throwable e) {
    String why = kind + " failed: " + e;
    if (kind == Request.ValueCase.CHECK_TX) {
      LOG.error("CheckTx threw; answering code {}", app.internalErrorCode(), e);
      return Response.newBuilder()
          .setCheckTx(ResponseCheckTx.newBuilder().setCode(app.internalErrorCode()).setLog("internal error: " + e))
          .build();
    }
    if (kind == Request.ValueCase.QUERY) {
      LOG.error("Query threw; answering code {}", app.internalErrorCode(), e);
      return Response.newBuilder()
          .setQuery(ResponseQuery.newBuilder().setCode(app.internalErrorCode()).setLog("internal error: " + e))
          .build();
    }
    halted = true;
    LOG.error("unrecoverable error in {}", kind, e);
    halter.halt(why, e);
    // Reached only when the halter does not exit (tests): CometBFT stops on an exception.
    return exception(why);
  }

  static Response exception(String error) {
    return Response.newBuilder().setException(ResponseException.newBuilder().setError(error)).build();
  }

  /** Lets queued calls finish (up to 10 s) and stops the thread. */
  @Override
  public void close() {
    prechecks.shutdown();
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("ABCI calls still running after 10 s; stopping anyway");
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
