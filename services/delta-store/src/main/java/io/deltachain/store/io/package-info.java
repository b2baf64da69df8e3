/**
 * Stream plumbing shared by the backends: hashing transfers with back pressure, verifying reads.
 */
package io.deltachain.store.io;
