/** Plain and speculative decoding over decoder models (DJL or any other). */
package io.deltachain.inference.decode;
