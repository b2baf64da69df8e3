/**
 * A small, real model and learnable task in plain Java for validator tests: a two-layer tanh
 * MLP classifier trained with SGD on synthetic data labelled by a fixed teacher network. Losses
 * are real cross-entropies and deltas come from real training, so an honest delta genuinely
 * lowers the loss and attacks genuinely fail to.
 */
package io.deltachain.validator.testmodel;
