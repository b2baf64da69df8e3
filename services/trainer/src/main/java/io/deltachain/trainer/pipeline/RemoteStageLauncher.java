package io.deltachain.trainer.pipeline;

import io.deltachain.trainer.pipeline.proto.PipelineStageGrpcClient;
import io.deltachain.trainer.pipeline.proto.ResetRequest;
import io.deltachain.trainer.pipeline.proto.StageStatus;
import io.deltachain.trainer.pipeline.proto.StatusRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages that operators started themselves ({@code deltachain node --roles stage} or
 * {@link PipelineStageMain}), given as endpoints: the first ones become the pipeline's stages, the
 * rest are spares. "Launching" a stage hands out the next endpoint, in the order given, that
 * answers and is not configured by anyone (it is asked for its {@code Status}); one that does not
 * answer or is busy is skipped, with the reason kept for the error when none is left. An endpoint
 * is handed out at most once: a stage that died is never taken back, even if it comes up again.
 *
 * <p>Closing a remote stage cannot end its process; it resets it ({@code Reset}: run forgotten,
 * files removed), so the operator's stage is free for the next run.
 */
public final class RemoteStageLauncher implements StageLauncher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteStageLauncher.class);

  /** A stage's address. @param host host name or IP @param port gRPC port */
  public record Endpoint(String host, int port) {
    /** Validates. */
    public Endpoint {
      if (host == null || host.isBlank() || port < 1 || port > 65_535) {
        throw new IllegalArgumentException("a stage endpoint needs a host and a port in 1-65535, got " + host + ":"
            + port);
      }
    }

    /**
     * Parses {@code host:port} (an IPv6 host in brackets).
     *
     * @param text the endpoint
     * @return it
     * @throws IllegalArgumentException naming the text when it is not host:port
     */
    public static Endpoint parse(String text) {
      String t = text.strip();
      int colon = t.lastIndexOf(':');
      if (colon <= 0 || colon == t.length() - 1) {
        throw new IllegalArgumentException("stage endpoint '" + text + "' is not host:port");
      }
      String host = t.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new Endpoint(host, Integer.parseInt(t.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("stage endpoint '" + text + "' has no numeric port");
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final GrpcClient client;
  private final List<Endpoint> endpoints;
  private final Duration probeTimeout;
  private final Vertx vertx;
  private final String token;
  private final Set<Endpoint> handedOut = new LinkedHashSet<>();

  /**
   * @param vertx the Vert.x instance the gRPC client runs on
   * @param endpoints stages first, then spares, in the order they are used; no duplicates
   * @param probeTimeout how long a stage may take to answer {@code Status} or {@code Reset}
   */
  public RemoteStageLauncher(Vertx vertx, List<Endpoint> endpoints, Duration probeTimeout) {
    this(vertx, endpoints, probeTimeout, null);
  }

  /**
   * @param vertx the Vert.x instance the gRPC client runs on
   * @param endpoints stages first, then spares, in the order they are used; no duplicates
   * @param probeTimeout how long a stage may take to answer {@code Status} or {@code Reset}
   * @param token the deployment's stage token ({@link StageToken}), or null for stages that need none
   */
  public RemoteStageLauncher(Vertx vertx, List<Endpoint> endpoints, Duration probeTimeout, String token) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no stage endpoints");
    }
    if (new LinkedHashSet<>(endpoints).size() != endpoints.size()) {
      throw new IllegalArgumentException("stage endpoints are listed twice: " + endpoints);
    }
    this.vertx = vertx;
    this.token = token == null ? null : StageToken.check(token, "the stage token");
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(StageService.MAX_MESSAGE_BYTES));
    this.endpoints = List.copyOf(endpoints);
    this.probeTimeout = probeTimeout;
  }

  /** @return the endpoints not handed out yet */
  public synchronized List<Endpoint> unused() {
    return endpoints.stream().filter(e -> !handedOut.contains(e)).toList();
  }

  @Override
  public synchronized StageProcess launch(int stage) throws IOException {
    List<String> skipped = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (handedOut.contains(e)) {
        continue;
      }
      StageClient c = new StageClient(vertx, client, e.host(), e.port(), "stage endpoint", token);
      StageStatus status;
      try {
        status = await(c.call(PipelineStageGrpcClient.Status, StatusRequest.getDefaultInstance(), probeTimeout));
      } catch (IOException ex) {
        LOG.warn("stage endpoint {} skipped for stage {}: {}", e, stage, ex.getMessage());
        skipped.add(e + " does not answer (" + ex.getMessage() + ")");
        continue;
      }
      if (status.getConfigured()) {
        String why = e + " is busy: configured as stage " + status.getStageIndex() + " of " + status.getStageCount()
            + " (layers " + status.getFirstLayer() + "-" + status.getLastLayer() + ", step " + status.getStep()
            + ") by another run; reset or restart it";
        LOG.warn("stage endpoint {} skipped for stage {}: {}", e, stage, why);
        skipped.add(why);
        continue;
      }
      handedOut.add(e);
      return new RemoteStage(stage, e, c);
    }
    throw new IOException("no stage endpoint left for stage " + stage + " (" + handedOut.size() + " of "
        + endpoints.size() + " already in use or dead" + (skipped.isEmpty() ? "" : "; " + String.join("; ", skipped))
        + ")");
  }

  private <T> T await(Future<T> f) throws IOException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(probeTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer within " + probeTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Closes the gRPC client (the stages stay up). */
  @Override
  public void close() {
    client.close();
  }

  /** A stage on an endpoint; its process belongs to whoever started it. */
  private final class RemoteStage implements StageProcess {
    private final int stage;
    private final Endpoint endpoint;
    private final StageClient client;

    RemoteStage(int stage, Endpoint endpoint, StageClient client) {
      this.stage = stage;
      this.endpoint = endpoint;
      this.client = client;
    }

    @Override
    public String host() {
      return endpoint.host();
    }

    @Override
    public int port() {
      return endpoint.port();
    }

    @Override
    public String token() {
      return token;
    }

    @Override
    public boolean isAlive() {
      return true;
    }

    @Override
    public String recentOutput() {
      return "(stage " + stage + " runs at " + endpoint + "; its output is in that process's log)";
    }

    @Override
    public void close() {
      try {
        await(client.call(PipelineStageGrpcClient.Reset, ResetRequest.getDefaultInstance(), probeTimeout));
      } catch (IOException e) {
        LOG.info("stage {} at {} was not reset: {}", stage, endpoint, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "stage " + stage + " at " + endpoint;
    }
  }
}
