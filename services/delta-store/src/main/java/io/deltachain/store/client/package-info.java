/**
 * Client libraries other services use: HTTP ({@link io.deltachain.store.client.DeltaStoreClient}) and gRPC.
 */
package io.deltachain.store.client;
