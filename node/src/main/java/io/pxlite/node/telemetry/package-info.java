/**
 * What the node tells an operator: gauges of volumes, groups, devices and the cluster sampled every
 * few seconds ({@link io.pxlite.node.telemetry.TelemetrySampler}), the alerts drawn from the same
 * samples ({@link io.pxlite.node.telemetry.AlertBook}), and the management API's operations port over
 * both ({@link io.pxlite.node.telemetry.NodeOperations}). Request-path metrics (NBD I/O, commit
 * latency) are recorded where the requests run; this package only samples state.
 */
package io.pxlite.node.telemetry;
