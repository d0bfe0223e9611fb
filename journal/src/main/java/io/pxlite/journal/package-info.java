/**
 * The journal: every change to a volume is an event appended to the Raft log of the volume's
 * replica group, through Apache Ratis (gRPC transport). This package owns the node's Raft server,
 * the replica-group abstraction, the Raft settings and the client that submits events.
 *
 * <p>Invariants:
 * <ul>
 *   <li>An event's outcome is reported only after the group has committed it (a majority holds it
 *       in a durable, fsynced log) and the local state machine has applied it, so an acknowledged
 *       write is durable and visible to reads on the submitting node.</li>
 *   <li>A replica group is a set of nodes, not a volume: volumes with the same replica set share
 *       one Raft group, which bounds the groups (threads, buffers) per node.</li>
 *   <li>The log is the store's write-ahead log; entries are purged only up to the index the state
 *       machine reports as durable from {@code takeSnapshot}. Up to a size ({@link
 *       io.pxlite.journal.LogRetention}) they are also kept for members that are behind; past it a
 *       member that lacks them is rebuilt instead.</li>
 *   <li>A log entry owns its bytes: a write's payload is copied in, because Ratis keeps the entry
 *       (for lagging followers, for the leader's own log) after the submitter's buffer is reused.</li>
 *   <li>A group keeps its id when its members change ({@link io.pxlite.journal.GroupMembership}):
 *       members join one at a time and count only once caught up; leavers go last.</li>
 * </ul>
 * Knows nothing of RocksDB or Netty.
 */
package io.pxlite.journal;
