/**
 * Small store operations (stat, exists, pin, unpin) on the event bus.
 */
package io.deltachain.store.bus;
