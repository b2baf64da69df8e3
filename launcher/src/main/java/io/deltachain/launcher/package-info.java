/** The {@code deltachain} command: starts any set of services, local devnets and the demo. */
package io.deltachain.launcher;
