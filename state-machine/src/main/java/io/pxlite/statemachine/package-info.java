/**
 * The Ratis state machine of a replica group: it applies committed volume events, in log order,
 * into the node's block store.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Apply is idempotent per log index: the block store skips a position it already applied and
 *       stores the new position in the same atomic batch as the change, so replay after a crash is
 *       safe.</li>
 *   <li>Ratis may purge log entries only up to what the store has made durable: {@code takeSnapshot}
 *       checkpoints the store (sync devices, flush the index) and only then reports the index.</li>
 *   <li>A refused event (out of range, no such volume, no space) is deterministic: it is recorded as
 *       applied and its outcome returned. A store I/O failure is not: the replica is marked unhealthy,
 *       refuses every later event without recording it, and a restart replays from the durable
 *       position. Nothing is thrown from apply, because an exception there kills the Ratis server.</li>
 *   <li>A rebuild installs only a whole copy: the source freezes its store between two log entries,
 *       the copy's position is recorded after every block arrived (CRC32C checked), and Ratis
 *       continues the log after that position. An export session keeps the source from reusing the
 *       slots its frozen view refers to until it closes or expires.</li>
 * </ul>
 */
package io.pxlite.statemachine;
