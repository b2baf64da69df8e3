/**
 * The hybrid scheduler: chooses workers for tasks (a stage of a plan, a replacement for a
 * trainer that stopped) under one of five policies, from what each worker has shown so far
 * (measured tokens per second, the share of its deltas that validators accepted, how much work
 * it already got) and thresholds that follow the observed mix of workers.
 */
package io.deltachain.round.scheduler;
