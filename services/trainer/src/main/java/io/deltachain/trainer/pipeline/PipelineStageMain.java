package io.deltachain.trainer.pipeline;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pipeline stage process: {@code PipelineStageMain [host] [port] [--work-dir DIR]} (default
 * 127.0.0.1, a free port and a temporary work directory removed at exit). Prints {@value #READY_PREFIX}{@code host:port} once it listens, then waits for a
 * coordinator. It exits when its standard input ends, so a stage never outlives the process that
 * started it (run it with {@code < /dev/null} replaced by a pipe, or detach stdin deliberately
 * with {@code --no-stdin-watch}).
 */
public final class PipelineStageMain {
  /** First words of the line printed once the stage listens. */
  public static final String READY_PREFIX = "pipeline stage listening on ";

  private PipelineStageMain() {
  }

  /**
   * @param args [host] [port] [--work-dir DIR] [--no-stdin-watch]
   * @throws Exception when the server cannot start
   */
  public static void main(String[] args) throws Exception {
    boolean watchStdin = true;
    String host = "127.0.0.1";
    int port = 0;
    int positional = 0;
    Path workDir = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--no-stdin-watch")) {
        watchStdin = false;
      } else if (a.equals("--work-dir") && i + 1 < args.length) {
        workDir = Path.of(args[++i]);
      } else if (positional == 0) {
        host = a;
        positional++;
      } else {
        port = Integer.parseInt(a);
        positional++;
      }
    }
    Vertx vertx = Vertx.vertx();
    StageService service = workDir == null ? new StageService(host, port) : new StageService(host, port, workDir);
    // a normal exit (SIGTERM, end of stdin) stops the stage, which removes a temporary work directory
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "stage-shutdown"));
    vertx.deployVerticle(service).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.out.println(READY_PREFIX + host + ":" + service.actualPort());
    System.out.flush();
    if (watchStdin) {
      Thread watcher = new Thread(() -> {
        try (InputStream in = System.in) {
          while (in.read() >= 0) {
            // Nothing is read from stdin; its end means the parent is gone.
          }
        } catch (IOException ignored) {
          // treated as the end of input
        }
        System.out.println("pipeline stage: standard input closed, exiting");
        System.exit(0);
      }, "stdin-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
  }
}
