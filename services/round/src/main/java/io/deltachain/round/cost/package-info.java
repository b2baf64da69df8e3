/**
 * What rounds cost and who may start them: GPU-seconds by GPU class times a configured price,
 * bytes stored and transferred, per round; and request and round quotas per API client.
 */
package io.deltachain.round.cost;
