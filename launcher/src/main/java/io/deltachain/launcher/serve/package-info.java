/** The {@code deltachain serve} command: the inference service wired to the chain and the delta store. */
package io.deltachain.launcher.serve;
