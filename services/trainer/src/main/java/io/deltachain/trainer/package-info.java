/**
 * The deltachain trainer: a Llama-family decoder built from DJL blocks on the PyTorch engine,
 * the training modes (full, LoRA, QLoRA, staged) that produce deltas of assigned layers, and the
 * verticle a GPU owner runs to take training tasks from the network.
 */
package io.deltachain.trainer;
