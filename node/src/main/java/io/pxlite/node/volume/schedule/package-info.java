/**
 * Snapshot schedules: when a volume's scheduled snapshots are due ({@link
 * io.pxlite.node.volume.schedule.SnapSchedule}) and the loop that takes them and prunes the oldest
 * ({@link io.pxlite.node.volume.schedule.SnapshotScheduler}).
 */
package io.pxlite.node.volume.schedule;
