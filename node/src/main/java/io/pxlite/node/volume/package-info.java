/**
 * Volumes as the node serves them: spec validation, the management operations (create, list,
 * inspect, delete, snapshot), and the NBD exports over the replica groups' logs and the block store.
 *
 * <p>Invariants: a change to a volume reaches the block store only through its replica group's log;
 * an NBD write is acknowledged only when its events are committed and applied; a volume's name is
 * reserved in the kvdb before its create event is submitted, and released if the event fails.
 */
package io.pxlite.node.volume;
