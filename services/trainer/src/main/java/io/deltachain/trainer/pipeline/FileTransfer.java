package io.deltachain.trainer.pipeline;

import com.google.protobuf.ByteString;
import io.deltachain.trainer.pipeline.proto.FileChunk;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.grpc.common.GrpcReadStream;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Files as {@link FileChunk} streams between a stage and its coordinator (checkpoint archives,
 * deltas, activation records): read from disk and written to disk with back-pressure, never held
 * whole in memory, at most {@link #CHUNK_BYTES} bytes per message, the SHA-256 of the whole file
 * on the last message. A receiver writes to a temporary file beside the target and moves it into
 * place only when every byte arrived in order and the hash matches.
 */
final class FileTransfer {
  /** Largest data part of one message: well inside gRPC clients' default 256 KiB message limit. */
  static final int CHUNK_BYTES = 128 << 10;

  private FileTransfer() {
  }

  /** A received file. @param path where it is @param bytes its size @param sha256 its hex SHA-256 @param name the sender's name for it */
  record Received(Path path, long bytes, String sha256, String name) {
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Streams a file and ends {@code out}.
   *
   * @param vertx for file I/O
   * @param file the file
   * @param name the name put on the first message (may be empty)
   * @param out the stream (a gRPC response or request)
   * @return completed when the last message was handed to {@code out}, failed when the file cannot be read
   */
  static Future<Void> send(Vertx vertx, Path file, String name, WriteStream<FileChunk> out) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(f -> f.size().compose(size -> {
          Promise<Void> done = Promise.promise();
          MessageDigest digest = sha256();
          long[] offset = {0};
          f.setReadBufferSize(CHUNK_BYTES);
          f.handler(buf -> {
            byte[] bytes = buf.getBytes();
            digest.update(bytes);
            FileChunk.Builder c = FileChunk.newBuilder().setOffset(offset[0]).setTotalBytes(size)
                .setData(ByteString.copyFrom(bytes));
            if (offset[0] == 0) {
              c.setName(name);
            }
            offset[0] += bytes.length;
            out.write(c.build());
            if (out.writeQueueFull()) {
              f.pause();
              out.drainHandler(v -> f.resume());
            }
          });
          f.exceptionHandler(done::tryFail);
          f.endHandler(v -> {
            FileChunk.Builder last = FileChunk.newBuilder().setOffset(offset[0]).setTotalBytes(size)
                .setSha256(HexFormat.of().formatHex(digest.digest()));
            if (offset[0] == 0) {
              last.setName(name);
            }
            out.end(last.build()).onComplete(done);
          });
          return done.future();
        }).andThen(ar -> f.close()));
  }

  /**
   * Receives a stream into {@code target}.
   *
   * @param vertx for file I/O
   * @param in the stream (a gRPC request or response), not yet read from
   * @param target where the file goes (replaced)
   * @return the file once it is complete and its hash checked; failed with an {@link IOException}
   *     naming what was wrong (a gap, a wrong size or hash, a stream that ended early)
   */
  static Future<Received> receive(Vertx vertx, GrpcReadStream<FileChunk> in, Path target) {
    Path tmp = target.resolveSibling(target.getFileName() + ".part");
    in.pause();
    Promise<Received> done = Promise.promise();
    Future<AsyncFile> opened = vertx.executeBlocking(() -> {
      Files.createDirectories(target.toAbsolutePath().getParent());
      return true;
    }).compose(v -> vertx.fileSystem().open(tmp.toString(),
        new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true)));
    opened.onFailure(done::tryFail).onSuccess(f -> {
      MessageDigest digest = sha256();
      long[] offset = {0};
      long[] total = {-1};
      String[] name = {""};
      String[] sha = {null};
      in.handler(c -> {
        if (done.future().isComplete()) {
          return;
        }
        if (sha[0] != null || c.getOffset() != offset[0] || (total[0] >= 0 && c.getTotalBytes() != total[0])
            || c.getOffset() + c.getData().size() > c.getTotalBytes()) {
          done.tryFail(new IOException("file stream out of order at byte " + offset[0] + ": a message at offset "
              + c.getOffset() + " with " + c.getData().size() + " bytes of " + c.getTotalBytes()
              + (sha[0] != null ? " after the last message" : "")));
          return;
        }
        if (offset[0] == 0 && total[0] < 0) {
          name[0] = c.getName();
        }
        total[0] = c.getTotalBytes();
        byte[] bytes = c.getData().toByteArray();
        digest.update(bytes);
        offset[0] += bytes.length;
        if (!c.getSha256().isEmpty()) {
          sha[0] = c.getSha256();
        }
        f.write(Buffer.buffer(bytes));
        if (f.writeQueueFull()) {
          in.pause();
          f.drainHandler(v -> in.resume());
        }
      });
      in.exceptionHandler(done::tryFail);
      in.invalidMessageHandler(e -> done.tryFail(new IOException("a file message could not be read: " + e.getMessage(),
          e)));
      in.endHandler(v -> {
        if (sha[0] == null) {
          done.tryFail(new IOException("file stream ended after " + offset[0] + " bytes without its last message"));
        } else if (offset[0] != total[0]) {
          done.tryFail(new IOException("file stream ended after " + offset[0] + " of " + total[0] + " bytes"));
        } else {
          String actual = HexFormat.of().formatHex(digest.digest());
          if (!actual.equals(sha[0])) {
            done.tryFail(new IOException("received file hashes to " + actual + ", the sender said " + sha[0]));
          } else {
            done.tryComplete(new Received(target, offset[0], actual, name[0]));
          }
        }
      });
      f.exceptionHandler(done::tryFail);
      in.resume();
    });
    return done.future().transform(ar -> {
      Future<Void> closed = opened.succeeded() ? opened.result().close().recover(t -> Future.succeededFuture())
          : Future.succeededFuture();
      // moved into place (or removed) only once closed, so every write is on disk
      return closed.compose(v -> vertx.executeBlocking(() -> {
        if (ar.failed()) {
          Files.deleteIfExists(tmp);
          throw ar.cause() instanceof Exception e ? e : new IOException(ar.cause());
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return ar.result();
      }));
    });
  }
}
