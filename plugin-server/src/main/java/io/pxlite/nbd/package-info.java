/**
 * The NBD server: exposes volumes (read-write) and snapshots (read-only) to NBD clients (the Linux
 * kernel, qemu, libnbd tools) over fixed-newstyle NBD, as described in doc/proto.md of
 * NetworkBlockDevice/nbd.
 *
 * <p>The node implements the port ({@link io.pxlite.nbd.NbdExport}, {@link io.pxlite.nbd.NbdExportCatalog});
 * {@link io.pxlite.nbd.NbdServer} serves it. A connection moves through three pipelines: the
 * handshake ({@code HandshakeDecoder}), option haggling ({@code OptionDecoder}, {@code OptionNegotiator})
 * and transmission ({@code RequestDecoder}, {@code TransmissionSession}, {@code TransmissionReplyEncoder}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A write, trim or zero is acknowledged only when the export's future completes, which the port
 *       defines as durable (committed to the volume's log). FUA and FLUSH therefore add no waiting of
 *       their own, and every connection sees every acknowledged write (CAN_MULTI_CONN).</li>
 *   <li>A bad client only ever closes its own connection: every pipeline ends in a handler that turns
 *       any failure into closing that channel, and malformed input is either answered with an error or
 *       ends that connection; no state is shared between connections except the export itself.</li>
 *   <li>Nothing that may block runs on a Netty I/O thread: reads and allocation queries go to a small
 *       executor, export look-ups during haggling to threads of their own ({@code ExportLookup}, while
 *       that connection's option stream waits); replies are written from the event loop, each whole.</li>
 *   <li>Memory per connection is bounded: options are capped at 64 KiB, payloads at 32 MiB, and reading
 *       pauses while 128 requests or 64 MiB of buffers are in flight or the client is not reading
 *       replies.</li>
 *   <li>Write payload buffers are lent to the export until its future completes; read buffers until
 *       {@code read} returns. The export must not keep them longer.</li>
 * </ul>
 */
package io.pxlite.nbd;
