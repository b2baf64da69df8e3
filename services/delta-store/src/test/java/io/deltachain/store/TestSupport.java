package io.deltachain.store;

import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Helpers shared by the delta-store tests. */
public final class TestSupport {
  private TestSupport() {}

  /** Waits for a Vert.x future from a test thread (never call from an event loop). */
  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("future did not complete: " + e, e);
    }
  }

  /** The failure of a future that must fail. */
  public static Throwable awaitFailure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("future did not complete: " + e, e);
    }
    throw new AssertionError("expected the operation to fail, but it succeeded");
  }

  /** Deterministic pseudo-random bytes. */
  public static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A file of deterministic pseudo-random bytes. */
  public static Path file(Path dir, String name, long size, long seed) {
    Path p = dir.resolve(name);
    Random r = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (var out = Files.newOutputStream(p)) {
      long left = size;
      while (left > 0) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Regular files under a directory (recursively). */
  public static List<Path> filesUnder(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    // Files come and go while a store works: retry a walk that raced with a deletion.
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile).toList();
      } catch (IOException | UncheckedIOException e) {
        if (attempt >= 20) {
          throw new IllegalStateException("cannot list " + dir, e);
        }
      }
    }
  }

  /** Removes a directory tree (best effort). */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Total bytes of regular files under a directory. */
  public static long bytesUnder(Path dir) {
    long n = 0;
    for (Path p : filesUnder(dir)) {
      try {
        n += Files.size(p);
      } catch (IOException e) {
        // removed meanwhile
      }
    }
    return n;
  }
}
