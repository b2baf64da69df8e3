package io.deltachain.launcher.node;

import java.util.Arrays;
import java.util.Locale;

/** What a {@code deltachain node} process can run. */
public enum Role {
  /** The validator service: verdicts on every committed delta, its own aggregation and checkpoint votes. */
  VALIDATOR,
  /** A trainer: takes the round service's task offers, trains, uploads, submits signed deltas. */
  TRAINER,
  /** The round service: HTTP API, planner, scheduler, coordinator key. */
  ROUND,
  /** The delta store's HTTP and gRPC API on local disk (kubo when configured). */
  STORE,
  /** The ABCI application a CometBFT node connects to (the ledger, in RocksDB). */
  ABCI,
  /**
   * A pipeline stage: a gRPC server ({@code stage.host}:{@code stage.port}) that a
   * {@code deltachain pipeline train} coordinator configures with a span of layers; needs no cluster.
   */
  STAGE;

  /** Parses a role name, case-insensitively; the error lists the roles. */
  public static Role parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown role '" + text + "'; roles are "
          + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
  }
}
