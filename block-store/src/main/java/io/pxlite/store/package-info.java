/**
 * The node's block store: thin, checksummed volumes kept in fixed-size slots on the node's devices
 * and indexed by one RocksDB instance.
 *
 * <p>Invariants this package keeps:
 * <ul>
 *   <li>An absent block reads as zeros and costs no space (thin provisioning).</li>
 *   <li>Every stored block carries a CRC32C that is checked on every read; a mismatch is a
 *       {@link io.pxlite.store.ChecksumMismatchException}, never silent wrong data.</li>
 *   <li>Every mutation names the {@link io.pxlite.store.ApplyPosition} (log stream and index) that
 *       caused it and is skipped when that position was already applied; the position is stored in the
 *       same atomic RocksDB batch as the change, so replaying a log over the store is safe.</li>
 *   <li>Block payloads are written before the index entry that points at them, and devices are
 *       synced before any index state becomes durable, so a durable index never points at data that is
 *       not durable. A slot freed by a change is not reused until that change is durable.</li>
 *   <li>A snapshot copies nothing: block keys carry the log index that wrote them, a snapshot at index
 *       S reads the newest version at or below S, and an old version is released only when no snapshot
 *       needs it.</li>
 * </ul>
 * Knows nothing of Raft, Netty or etcd.
 */
package io.pxlite.store;
