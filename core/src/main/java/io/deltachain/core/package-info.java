/**
 * The shared language of the deltachain network: model profiles, tensor and delta files,
 * content hashes and CIDs, keys and signatures, transaction schemas, event-bus contracts
 * and typed configuration. Every other module depends on this one.
 */
package io.deltachain.core;
