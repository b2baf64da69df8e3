/** Content addressing: SHA-256 content hashes that every store verifies, and IPFS CIDs. */
package io.deltachain.core.content;
