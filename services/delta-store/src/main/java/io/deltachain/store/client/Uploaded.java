package io.deltachain.store.client;

import io.deltachain.core.content.ContentHash;

/**
 * What the delta store answered for an upload.
 *
 * @param hash SHA-256 of the content
 * @param size bytes
 * @param cid IPFS CID, or null when the store has no IPFS backend
 * @param inlineEligible whether the content is small enough to ride inline in a transaction
 */
public record Uploaded(ContentHash hash, long size, String cid, boolean inlineEligible) {}
