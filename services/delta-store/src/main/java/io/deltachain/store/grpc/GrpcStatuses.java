package io.deltachain.store.grpc;

import io.deltachain.store.StoreError;
import io.vertx.grpc.common.GrpcStatus;

/** The gRPC status for each {@link StoreError}, and back. */
public final class GrpcStatuses {
  /** Trailer carrying the {@link StoreError#wireName()} of a failed call, so clients get the exact error back. */
  public static final String ERROR_TRAILER = "x-delta-store-error";

  private GrpcStatuses() {}

  /** The status a server answers for an error. */
  public static GrpcStatus of(StoreError e) {
    return switch (e) {
      case BAD_REQUEST, HASH_MISMATCH, INCOMPLETE_UPLOAD -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case TOO_LARGE, INSUFFICIENT_STORAGE -> GrpcStatus.RESOURCE_EXHAUSTED;
      case RANGE_NOT_SATISFIABLE -> GrpcStatus.OUT_OF_RANGE;
      case CORRUPT_CONTENT -> GrpcStatus.DATA_LOSS;
      case BACKEND_UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case UNSUPPORTED -> GrpcStatus.UNIMPLEMENTED;
      case INTERNAL -> GrpcStatus.INTERNAL;
    };
  }
}
