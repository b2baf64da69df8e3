/**
 * Adapters from the services' small interfaces to the real parts: the validator's chain feed,
 * verdict and dispute sinks, delta and replay fetchers, round contexts, loss evaluator and DJL
 * segment re-executor; the trainer's chain client and uploader. They live in the launcher
 * because it is the only module that sees every other one.
 */
package io.deltachain.launcher.wiring;
