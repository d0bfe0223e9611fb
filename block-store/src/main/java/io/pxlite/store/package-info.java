/**
 * The node's block store: thin, checksummed volumes kept in fixed-size slots on the node's devices
 * and indexed by one RocksDB instance.
 *
 * <p>Invariants this package keeps:
 * <ul>
 *   <li>An absent block reads as zeros and costs no space (thin provisioning). A block written with
 *       all zeros is stored as a hole too.</li>
 *   <li>Every stored block carries a CRC32C that is checked on every read; a mismatch is a
 *       {@link io.pxlite.store.ChecksumMismatchException}, never silent wrong data.</li>
 *   <li>Every mutation names the {@link io.pxlite.store.ApplyPosition} (log stream and index) that
 *       caused it and is skipped when that position was already applied; the position is stored in the
 *       same atomic RocksDB batch as the change, so replaying a log over the store is safe. A mutation
 *       that throws leaves index, slots and counters as they were.</li>
 *   <li>Block payloads are written before the index entry that points at them, and devices are
 *       synced before any index state becomes durable, so a durable index never points at data that is
 *       not durable. A slot freed by a change is not reused until that change is durable.</li>
 *   <li>A live slot is never overwritten: a new version always goes to a free slot, so a read sees a
 *       block's old or its new contents, whole. A freed slot is also not reused while a read that looked
 *       it up may still be reading it.</li>
 *   <li>A snapshot copies nothing: block keys carry the log index that wrote them, a snapshot at index
 *       S reads the newest version at or below S, and an old version is released only when no snapshot
 *       needs it.</li>
 *   <li>Every volume record names its stream, so one stream's state can be exported whole
 *       ({@link io.pxlite.store.stream.StreamSnapshot}: a frozen view whose slots are not reused while it is
 *       open) and replaced whole ({@link io.pxlite.store.stream.StreamImport}: the old volumes dropped first,
 *       the position recorded last) to rebuild a replica, or dropped with its position when the node
 *       leaves the group.</li>
 * </ul>
 *
 * <p>How these are kept:
 * <ul>
 *   <li>The RocksDB WAL is off (the Raft log is the write-ahead log) and flushes are atomic across
 *       column families, so the durable index is always the state after some whole batch, with the
 *       applied positions that go with it. A listener syncs every device before any memtable flush,
 *       whatever triggered it; {@link io.pxlite.store.BlockStore#checkpoint} syncs, flushes and only
 *       then frees the slots released before it began. If that listener's sync fails the flush cannot
 *       be stopped, so the store refuses every later change (a restart replays from the durable
 *       position).</li>
 *   <li>When only slots awaiting a checkpoint are left, a write runs a checkpoint itself rather than
 *       fail. {@link io.pxlite.store.device.DeviceUsage#usedBytes} counts slots the index refers to, so space
 *       freed by a trim shows as free at once, though it is allocatable only after the next
 *       checkpoint.</li>
 *   <li>Block versions normally are the log index of the volume's stream. Should a volume's changes
 *       ever come from a stream with lower indexes, versions continue above the volume's highest one,
 *       so that snapshots stay exact.</li>
 * </ul>
 *
 * <p>Costs to know: opening the store scans every stored block version once to rebuild the per-device
 * slot bitmaps (one bit per 4 KiB slot, 32 MiB of heap per TiB of device), the per-volume space
 * counters and version clocks; expect about a second per few million block versions. Deleting a
 * snapshot re-examines every stored version of its volume. Deleting a volume is one range delete plus
 * a scan of its versions to free their slots.
 *
 * <p>Layout: this package is the store's face to other modules ({@link io.pxlite.store.BlockStore},
 * its views, positions and errors) and holds the write and read paths; {@code device} (admitting,
 * labelling and syncing devices), {@code index} (the RocksDB index and catalog), {@code alloc} (slot
 * bitmaps and runs), {@code snapshot} and {@code stream} (whole-stream export and import) are its
 * parts. Other modules use only this package, the device configuration and usage types, and the
 * stream types; the rest is public only so that the parts can reach each other.
 *
 * <p>Knows nothing of Raft, Netty or etcd.
 */
package io.pxlite.store;
