/**
 * The embedded default backend: a content-addressed directory on local disk, written atomically and verified on read.
 */
package io.deltachain.store.local;
