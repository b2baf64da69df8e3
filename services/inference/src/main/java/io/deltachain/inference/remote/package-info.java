/** Distributed speculation: a draft model served on the clustered event bus and its client. */
package io.deltachain.inference.remote;
