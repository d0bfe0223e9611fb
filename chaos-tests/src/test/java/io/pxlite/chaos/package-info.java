/**
 * The chaos suite: faults injected into real pxlite node processes and a real etcd while a checker
 * writes through NBD and records every acknowledged write.
 *
 * <p>Faults ({@link io.pxlite.chaos.ChaosIT}): a leadership transfer; kill -9 of the group leader,
 * a follower and the node the writer is attached to; SIGSTOP of the leader for longer than the
 * election timeout, and of a follower for longer than its kvdb lease; a network partition between
 * node addresses (iptables on loopback, told apart by each node JVM's group id:
 * {@link io.pxlite.chaos.Partitions}); bit rot in one replica's device. And devices that fill up
 * ({@link io.pxlite.chaos.DeviceFullIT}). See chaos-tests/README.md.
 *
 * <p>Invariants checked after every fault:
 * <ul>
 *   <li>every block holds its last acknowledged version or a later one that was sent (no
 *       acknowledged write lost, no torn or foreign block), read through every node;</li>
 *   <li>all replicas of every volume are byte-identical (each node reads its own replica);</li>
 *   <li>writes keep going through a fault that leaves a majority (bounded stall), and the faulted
 *       node catches up by itself.</li>
 * </ul>
 * {@link io.pxlite.chaos.ChaosSummary} prints a table of faults injected, writes acknowledged, bytes
 * verified and writes lost when the run ends, and writes it to {@code target/chaos-summary.txt}.
 */
package io.pxlite.chaos;
