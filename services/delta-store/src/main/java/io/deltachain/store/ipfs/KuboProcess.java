package io.deltachain.store.ipfs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An isolated kubo daemon on loopback, for tests, benchmarks and local devnets: its own repo
 * ({@code IPFS_PATH}), {@code ipfs init --profile=test} (every listener on 127.0.0.1 port 0,
 * no bootstrap peers, no mDNS, no NAT mapping), {@code Routing.Type none} (peers are connected
 * by hand), telemetry off. The API address is read from {@code $IPFS_PATH/api} once the
 * daemon prints "Daemon is ready". Blocking: call it from a test or main thread.
 */
public final class KuboProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path binary;
  private final Path repo;
  private final boolean deleteRepoOnClose;
  private final Process process;
  private final Deque<String> logTail = new ArrayDeque<>();
  private final String apiUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private KuboProcess(Path binary, Path repo, boolean deleteRepoOnClose) throws IOException, InterruptedException {
    this.binary = binary;
    this.repo = repo;
    this.deleteRepoOnClose = deleteRepoOnClose;
    if (!Files.exists(repo.resolve("config"))) {
      cli("init", "--profile=test");
      cli("config", "Routing.Type", "none");
    }
    ProcessBuilder pb = command("daemon");
    pb.redirectErrorStream(true);
    process = pb.start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (logTail) {
            logTail.addLast(line);
            if (logTail.size() > 50) {
              logTail.removeFirst();
            }
          }
          if (line.contains("Daemon is ready")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "kubo-log-" + repo.getFileName());
    reader.setDaemon(true);
    reader.start();
    boolean ok = false;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.await(200, TimeUnit.MILLISECONDS)) {
        ok = true;
        break;
      }
      if (!process.isAlive()) {
        break;
      }
    }
    if (!ok) {
      process.destroyForcibly();
      throw new IllegalStateException("kubo daemon in " + repo + " did not become ready within "
          + START_TIMEOUT.toSeconds() + " s; its last lines:\n" + logTail());
    }
    this.apiUrl = toUrl(Files.readString(repo.resolve("api")).trim());
  }

  /** Initialises a fresh repo in {@code repo} (removed on close) and starts the daemon. */
  public static KuboProcess start(Path binary, Path repo) {
    try {
      return new KuboProcess(binary, repo, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String toUrl(String multiaddr) {
    String[] parts = multiaddr.split("/");
    // /ip4/127.0.0.1/tcp/5001
    if (parts.length < 5 || !"tcp".equals(parts[3])) {
      throw new IllegalStateException("unexpected API address in the kubo repo: " + multiaddr);
    }
    return "http://" + parts[2] + ":" + parts[4];
  }

  private ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("IPFS_PATH", repo.toString());
    pb.environment().put("IPFS_TELEMETRY", "off");
    return pb;
  }

  /** Runs the {@code ipfs} command line against this repo and returns its standard output. */
  public String cli(String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = command(args);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("ipfs " + String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The RPC API base URL, e.g. {@code http://127.0.0.1:40123}. */
  public String apiUrl() {
    return apiUrl;
  }

  /** The repo directory. */
  public Path repo() {
    return repo;
  }

  /** The daemon's last output lines. */
  public String logTail() {
    synchronized (logTail) {
      return String.join("\n", logTail);
    }
  }

  /** Calls an RPC command synchronously and returns its JSON answer. */
  public JsonObject rpc(String command, Map<String, String> args) {
    StringBuilder uri = new StringBuilder(apiUrl).append("/api/v0/").append(command).append("?timeout=30s");
    args.forEach((k, v) -> uri.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri.toString()))
          .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("kubo " + command + " failed (" + r.statusCode() + "): " + r.body());
      }
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** This node's peer ID. */
  public String peerId() {
    return rpc("id", Map.of()).getString("ID");
  }

  /** This node's loopback swarm address, ending in /p2p/&lt;peer id&gt;. */
  public String loopbackSwarmAddress() {
    JsonArray addrs = rpc("id", Map.of()).getJsonArray("Addresses");
    for (Object a : addrs) {
      String s = a.toString();
      if (s.startsWith("/ip4/127.0.0.1/tcp/")) {
        return s;
      }
    }
    throw new IllegalStateException("kubo announces no /ip4/127.0.0.1/tcp address: " + addrs);
  }

  /** Connects this node to another one on loopback (swarm/connect). */
  public void connect(KuboProcess other) {
    rpc("swarm/connect", Map.of("arg", other.loopbackSwarmAddress()));
  }

  /** Stops the daemon and removes the repo if this object created it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (deleteRepoOnClose) {
      try (Stream<Path> s = Files.walk(repo)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: the repo is under a temp directory
      }
    }
  }
}
