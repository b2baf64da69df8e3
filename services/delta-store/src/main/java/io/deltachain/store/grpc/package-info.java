/**
 * The gRPC transfer API (vertx-grpc) for service-to-service streaming of content.
 */
package io.deltachain.store.grpc;
