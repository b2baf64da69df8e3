/** Loading the served weights: a base model brought to the chain's head checkpoints, verified by hash. */
package io.deltachain.inference.load;
