/**
 * The local network ({@code deltachain devnet}) and the scripted round on it
 * ({@code deltachain demo}): real CometBFT validators, real transactions, real training, real
 * verdicts and real aggregation, all on 127.0.0.1.
 */
package io.deltachain.launcher.demo;
