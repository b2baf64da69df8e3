/**
 * The delta store: content-addressed storage of deltas and checkpoints. {@link io.deltachain.store.ContentStore} is the backend contract, {@link io.deltachain.store.StoreError} the one error enum, {@link io.deltachain.store.DeltaStoreService} the deployable service.
 */
package io.deltachain.store;
