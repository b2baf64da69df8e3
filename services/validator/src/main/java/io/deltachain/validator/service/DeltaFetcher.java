package io.deltachain.validator.service;

import io.deltachain.core.tx.proto.SubmitDelta;
import io.vertx.core.Future;
import java.nio.file.Path;

/** Fetches a delta's file (by CID from the delta store, or the inline bytes) to a local path. */
@FunctionalInterface
public interface DeltaFetcher {
  /** A local file with the delta's bytes; fails if it cannot be had. */
  Future<Path> fetch(SubmitDelta tx);
}
