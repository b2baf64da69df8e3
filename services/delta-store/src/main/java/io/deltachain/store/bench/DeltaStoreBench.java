package io.deltachain.store.bench;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.node.NodeBinaries;
import io.deltachain.store.ContentStore;
import io.deltachain.store.http.HttpApiConfig;
import io.deltachain.store.http.HttpApiVerticle;
import io.deltachain.store.ipfs.IpfsConfig;
import io.deltachain.store.ipfs.IpfsContentStore;
import io.deltachain.store.ipfs.KuboProcess;
import io.deltachain.store.local.LocalContentStore;
import io.deltachain.store.local.LocalStoreConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * End-to-end throughput of the delta store's HTTP API against plain tools on the same file:
 * local backend upload/download vs {@code cp}, kubo backend upload/download vs
 * {@code ipfs add}/{@code ipfs cat} run directly against the same daemon. The HTTP client is
 * {@code curl} (streaming: {@code -T} up, {@code -o} down), so the figures measure the server.
 * Baseline and store runs alternate; each figure is the median of 5 runs (3 for 1 GB).
 * Everything lives under a temp directory that is removed at the end; 1 GB is skipped when
 * less than 10 GB are free.
 *
 * <p>Usage: {@code DeltaStoreBench [workDir] [sizes...]} with sizes like 1MB 100MB 1GB. The kubo
 * binary is the pinned one ({@link NodeBinaries}) unless {@code -Ddeltachain.ipfs.binary} names another.
 */
public final class DeltaStoreBench {
  private static final long MB = 1_000_000L;
  private static final long GB = 1_000_000_000L;
  private static final String CHUNKER = IpfsConfig.DEFAULT_CHUNKER;

  private record Row(String size, String backend, String op, double oursMBs, String baseline, double baseMBs) {}

  private DeltaStoreBench() {}

  public static void main(String[] args) throws Exception {
    Path parent = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    List<Long> sizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      sizes.add(parseSize(args[i]));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(MB, 100 * MB, GB);
    }
    Files.createDirectories(parent);
    Path work = Files.createTempDirectory(parent, "delta-store-bench");
    long free = Files.getFileStore(work).getUsableSpace();
    System.out.printf("work dir %s, %.1f GB free%n", work, free / 1e9);
    Vertx vertx = Vertx.vertx();
    KuboProcess kubo = null;
    List<Row> rows = new ArrayList<>();
    try {
      String override = System.getProperty("deltachain.ipfs.binary");
      Path ipfsBin = override != null ? Paths.get(override) : NodeBinaries.resolve().ipfs();
      kubo = KuboProcess.start(ipfsBin, work.resolve("kubo"));
      LocalContentStore local = await(LocalContentStore.open(vertx, new LocalStoreConfig(work.resolve("store"), 64L << 20, true)));
      IpfsContentStore ipfs = await(IpfsContentStore.open(vertx, IpfsConfig.of(kubo.apiUrl(), work.resolve("ipfs-index"))));
      int localPort = deploy(vertx, local);
      int ipfsPort = deploy(vertx, ipfs);
      Path warm = writeRandom(work.resolve("warm.bin"), 4 * MB, 0);
      for (int i = 0; i < 5; i++) {
        // JIT warm-up of both paths, not measured.
        String h = upload(localPort, warm);
        download(localPort, h, work.resolve("warm.out"));
        String h2 = upload(ipfsPort, warm);
        download(ipfsPort, h2, work.resolve("warm.out"));
      }
      for (long size : sizes) {
        String label = label(size);
        long needed = 6 * size + (1L << 30);
        long freeNow = Files.getFileStore(work).getUsableSpace();
        if (size >= GB && freeNow < 10 * GB) {
          System.out.printf("skipping %s: only %.1f GB free (need 10 GB)%n", label, freeNow / 1e9);
          continue;
        }
        if (freeNow < needed) {
          System.out.printf("skipping %s: only %.1f GB free%n", label, freeNow / 1e9);
          continue;
        }
        int reps = size >= GB ? 3 : 5;
        System.out.printf("%s: %d interleaved runs per pair, load average %s%n", label, reps, loadAverage());
        Path src = writeRandom(work.resolve("src-" + label + ".bin"), size, size);
        String hash = ContentHash.sha256(src).hex();
        ContentHash h = ContentHash.parse(hash);
        Path out = work.resolve("out.bin");
        KuboProcess k = kubo;
        Timings cp = new Timings();
        Timings cpSync = new Timings();
        Timings up = new Timings();
        Timings downFirst = new Timings();
        Timings down = new Timings();
        // Baseline and ours alternate, so drift in machine load hits both alike.
        for (int i = 0; i < reps; i++) {
          Files.deleteIfExists(out);
          cp.add(time(() -> run("cp", src.toString(), out.toString())));
          Files.deleteIfExists(out);
          cpSync.add(time(() -> run("sh", "-c", "cp \"$0\" \"$1\" && sync \"$1\"", src.toString(), out.toString())));
          Files.deleteIfExists(out);
          await(local.delete(h));
          up.add(time(() -> check(upload(localPort, src), hash)));
          // First read after the upload: the whole file is hashed before it is sent.
          downFirst.add(time(() -> download(localPort, hash, out)));
          Files.deleteIfExists(out);
          // A repeat read inside the trust period: zero-copy without hashing again.
          down.add(time(() -> download(localPort, hash, out)));
          check(ContentHash.sha256(out).hex(), hash);
          Files.deleteIfExists(out);
        }
        rows.add(new Row(label, "local", "upload", mbs(size, up.median()), "cp", mbs(size, cp.median())));
        rows.add(new Row(label, "local", "upload", mbs(size, up.median()), "cp+sync", mbs(size, cpSync.median())));
        rows.add(new Row(label, "local", "download, first (hashed)", mbs(size, downFirst.median()), "cp", mbs(size, cp.median())));
        rows.add(new Row(label, "local", "download, repeat (trusted)", mbs(size, down.median()), "cp", mbs(size, cp.median())));
        await(local.delete(h));

        Timings ipfsAdd = new Timings();
        Timings ourAdd = new Timings();
        Timings ipfsCat = new Timings();
        Timings ourCat = new Timings();
        for (int i = 0; i < reps; i++) {
          String[] cid = new String[1];
          ipfsAdd.add(time(() -> cid[0] = k.cli("add", "-Q", "--cid-version=1", "--raw-leaves", "--pin=true",
              "--chunker=" + CHUNKER, src.toString()).trim()));
          k.cli("pin", "rm", cid[0]);
          k.cli("repo", "gc", "--silent");
          ourAdd.add(time(() -> check(upload(ipfsPort, src), hash)));
          String storedCid = await(ipfs.cidOf(h));
          if (!storedCid.equals(cid[0])) {
            throw new IllegalStateException("ipfs add gave " + cid[0] + " but the store got " + storedCid);
          }
          Files.deleteIfExists(out);
          ipfsCat.add(time(() -> run("sh", "-c", "IPFS_PATH=\"$0\" IPFS_TELEMETRY=off \"$1\" cat \"$2\" > \"$3\"",
              k.repo().toString(), ipfsBin.toString(), storedCid, out.toString())));
          Files.deleteIfExists(out);
          ourCat.add(time(() -> download(ipfsPort, hash, out)));
          check(ContentHash.sha256(out).hex(), hash);
          Files.deleteIfExists(out);
          await(ipfs.delete(h));
          k.cli("repo", "gc", "--silent");
        }
        rows.add(new Row(label, "kubo", "upload", mbs(size, ourAdd.median()), "ipfs add", mbs(size, ipfsAdd.median())));
        rows.add(new Row(label, "kubo", "download", mbs(size, ourCat.median()), "ipfs cat", mbs(size, ipfsCat.median())));
        Files.deleteIfExists(src);
        System.out.printf("%s done, load average %s%n", label, loadAverage());
        printTable(rows);
      }
    } finally {
      if (kubo != null) {
        kubo.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      deleteTree(work);
    }
    System.out.println();
    System.out.println("final:");
    printTable(rows);
  }

  private static void printTable(List<Row> rows) {
    System.out.printf("%n| size | backend | operation | delta-store HTTP (MB/s) | baseline | baseline (MB/s) | ratio |%n");
    System.out.printf("|---|---|---|---|---|---|---|%n");
    for (Row r : rows) {
      System.out.printf("| %s | %s | %s | %.0f | %s | %.0f | %.2f |%n", r.size, r.backend, r.op, r.oursMBs, r.baseline,
          r.baseMBs, r.oursMBs / r.baseMBs);
    }
  }

  private static int deploy(Vertx vertx, ContentStore store) {
    HttpApiVerticle api = new HttpApiVerticle(store, new HttpApiConfig("127.0.0.1", 0, 4 * GB, 0));
    await(vertx.deployVerticle(api));
    return api.actualPort();
  }

  private static String upload(int port, Path file) throws Exception {
    String body = run("curl", "-sS", "--fail-with-body", "-X", "POST", "-H", "Expect:", "-H",
        "Content-Type: application/octet-stream", "-T", file.toString(), "http://127.0.0.1:" + port + "/deltas");
    return new JsonObject(body).getString("hash");
  }

  private static void download(int port, String hash, Path out) throws Exception {
    run("curl", "-sS", "--fail-with-body", "-o", out.toString(), "http://127.0.0.1:" + port + "/deltas/" + hash);
  }

  private static String check(String got, String expected) {
    if (!expected.equals(got)) {
      throw new IllegalStateException("expected hash " + expected + " but got " + got);
    }
    return got;
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  private static double time(Action a) throws Exception {
    long t0 = System.nanoTime();
    a.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Durations of repeated runs; the table shows the median. */
  private static final class Timings {
    private final List<Double> seconds = new ArrayList<>();

    void add(double s) {
      seconds.add(s);
    }

    double median() {
      List<Double> sorted = new ArrayList<>(seconds);
      sorted.sort(null);
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2] + " on " + Runtime.getRuntime().availableProcessors() + " CPUs";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double mbs(long size, double seconds) {
    return size / 1e6 / seconds;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8)
          + new String(err, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static Path writeRandom(Path p, long size, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(p)) {
      for (long left = size; left > 0; ) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        o.write(buf, 0, n);
        left -= n;
      }
    }
    return p;
  }

  private static long parseSize(String s) {
    String u = s.toUpperCase();
    if (u.endsWith("GB")) {
      return Long.parseLong(u.substring(0, u.length() - 2)) * GB;
    }
    if (u.endsWith("MB")) {
      return Long.parseLong(u.substring(0, u.length() - 2)) * MB;
    }
    return Long.parseLong(u);
  }

  private static String label(long size) {
    return size >= GB && size % GB == 0 ? size / GB + " GB" : size / MB + " MB";
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
