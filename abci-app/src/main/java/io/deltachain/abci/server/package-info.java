/**
 * The ABCI socket transport: uvarint framing ({@link io.deltachain.abci.server.FrameDecoder}),
 * the Vert.x socket server ({@link io.deltachain.abci.server.AbciServerVerticle}), the
 * single-threaded call ordering ({@link io.deltachain.abci.server.AbciDispatcher}) and the
 * application contract ({@link io.deltachain.abci.server.AbciApplication}). Nothing here knows
 * about the ledger.
 */
package io.deltachain.abci.server;
