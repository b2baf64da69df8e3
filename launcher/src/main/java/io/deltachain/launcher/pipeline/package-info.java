/**
 * {@code deltachain pipeline train}: pipeline-parallel training driven from the command line,
 * against stages that operators started ({@code deltachain node --roles stage}, possibly on other
 * machines, with spares) or against stage JVMs it starts on this machine ({@code --local N}); it
 * prints progress per step and writes (and optionally uploads) each stage's deltas.
 */
package io.deltachain.launcher.pipeline;
