/**
 * Identities and signatures: Ed25519 keys with the JDK's own EdDSA, CometBFT-compatible
 * addresses (first 20 bytes of SHA-256 of the public key) and CometBFT key files.
 */
package io.deltachain.core.crypto;
