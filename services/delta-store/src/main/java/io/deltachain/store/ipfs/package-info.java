/**
 * The IPFS backend over a kubo daemon's HTTP RPC API, its hash-to-CID index, and a helper that runs isolated kubo daemons on loopback.
 */
package io.deltachain.store.ipfs;
