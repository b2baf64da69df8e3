/**
 * The inference service: serves the model as of the chain's heads over HTTP with streamed tokens,
 * plain or speculative decoding ({@link io.deltachain.inference.decode}), the draft local or on
 * another node ({@link io.deltachain.inference.remote}), weights brought to the chain's heads by
 * {@link io.deltachain.inference.load.HeadsLoader}.
 */
package io.deltachain.inference;
