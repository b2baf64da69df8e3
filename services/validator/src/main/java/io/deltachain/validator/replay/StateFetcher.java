package io.deltachain.validator.replay;

import io.deltachain.core.content.ContentHash;
import java.io.IOException;

/** Fetches a trainer's recorded intermediate state by its hash (from the delta store). */
@FunctionalInterface
public interface StateFetcher {
  /** The state's values; throws if it is not available. */
  float[] fetch(ContentHash hash) throws IOException;
}
