/**
 * Command-line clients of the running services: {@code deltachain round start|status|list}
 * speaks the round service's HTTP API and prints its answers as tables or JSON.
 */
package io.deltachain.launcher.cli;
