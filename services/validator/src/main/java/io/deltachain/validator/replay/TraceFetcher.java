package io.deltachain.validator.replay;

import io.deltachain.core.content.ContentHash;
import io.deltachain.core.replay.ReplayTrace;
import java.io.IOException;

/** Fetches a published replay trace by its commitment (from the delta store). */
@FunctionalInterface
public interface TraceFetcher {
  /** The trace whose file hashes to {@code commitment}; throws if unavailable or malformed. */
  ReplayTrace fetchTrace(ContentHash commitment) throws IOException;
}
