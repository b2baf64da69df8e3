/**
 * The trainer node as a Vert.x service: registration, heartbeats, task offers and cancels over the
 * clustered event bus, training on a worker thread with progress events, delta upload and
 * SubmitDelta through small interfaces the launcher wires to the delta store and the chain.
 */
package io.deltachain.trainer.service;
