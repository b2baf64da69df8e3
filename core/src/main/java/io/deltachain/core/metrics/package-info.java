/** Prometheus metrics shared by every service: one registry per process and its scrape. */
package io.deltachain.core.metrics;
