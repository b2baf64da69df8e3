/** Locating the pinned CometBFT and kubo binaries through the node-binary bootstrap. */
package io.deltachain.core.node;
