/**
 * Volumes as the node manages them: spec validation, placement, and the management operations
 * (create, list, inspect, delete, snapshot, ha-update) over the kvdb's records and the replica
 * groups' logs. The data path ({@code datapath}) and the groups' membership ({@code membership})
 * are sub-packages.
 *
 * <p>Invariants: a change to a volume reaches the block store only through its replica group's log;
 * a volume's name is reserved in the kvdb before its create event is submitted, and released if the
 * event fails.
 */
package io.pxlite.node.volume;
