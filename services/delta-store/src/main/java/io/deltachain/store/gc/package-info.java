/**
 * Garbage collection of content that chain state no longer references, against a pluggable source of references.
 */
package io.deltachain.store.gc;
