/**
 * The HTTP API (vertx-web): streaming upload and download with ranges, HEAD, stat, pin and unpin.
 */
package io.deltachain.store.http;
