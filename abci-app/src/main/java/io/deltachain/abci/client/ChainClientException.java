package io.deltachain.abci.client;

/**
 * A failed call to a CometBFT node, saying which layer failed: the connection, HTTP, the
 * JSON-RPC server, or the application (a non-zero ABCI code).
 */
public final class ChainClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Where the call failed. */
  public enum Kind {
    /** No connection, timeout, reset. */
    TRANSPORT,
    /** The node answered with a non-200 HTTP status or a body that is not JSON-RPC. */
    HTTP,
    /** A JSON-RPC error object (e.g. "tx already exists in cache", a full mempool, a timeout waiting for commit). */
    RPC,
    /** The ABCI application answered a non-zero code (CheckTx, FinalizeBlock or Query). */
    APP
  }

  private final Kind kind;
  private final int code;
  private final String method;

  public ChainClientException(Kind kind, String method, int code, String message, Throwable cause) {
    super(method + ": " + message, cause);
    this.kind = kind;
    this.code = code;
    this.method = method;
  }

  public Kind kind() {
    return kind;
  }

  /** The JSON-RPC error code (RPC), the ABCI code (APP), the HTTP status (HTTP), or 0. */
  public int code() {
    return code;
  }

  /** The RPC method that failed. */
  public String method() {
    return method;
  }
}
