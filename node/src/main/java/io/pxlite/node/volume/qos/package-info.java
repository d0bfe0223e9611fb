/**
 * A volume's I/O policy enforced at the node's front door: its limits ({@code max_iops},
 * {@code max_bandwidth}: token buckets shared by all its connections on this node) and its
 * {@code io_priority} (a weighted share of the node's I/O while volumes contend, nothing while one runs
 * alone). Requests held back wait here, before they cost a log entry or a replica's disk.
 */
package io.pxlite.node.volume.qos;
