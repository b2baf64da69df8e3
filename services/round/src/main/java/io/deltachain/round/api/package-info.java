/**
 * The HTTP API: routes built from the OpenAPI document (so requests are validated against it),
 * bearer tokens on write operations, quotas per client, and one JSON error shape for every
 * failure.
 */
package io.deltachain.round.api;
