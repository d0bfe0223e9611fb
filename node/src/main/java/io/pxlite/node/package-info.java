/**
 * The pxlite node daemon: reads config.json, opens the block store over the node's devices,
 * starts the Raft server, registers the node in the kvdb (etcd), and serves the NBD exports and the
 * management API. The wiring lives here; the mechanisms live in the modules it wires.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The kvdb holds only identity and configuration (nodes, volume specs, the snapshot catalog),
 *       never block data; I/O on existing volumes keeps working while the kvdb is unreachable.</li>
 *   <li>A node's id is created once and kept in its data dir; the data dir and every device are
 *       bound to one cluster and never silently taken over by another.</li>
 * </ul>
 */
package io.pxlite.node;
