/**
 * The NBD exports of volumes and snapshots: served from this node's replica when it has one (fresh
 * reads only, past the volume's read floor; damaged blocks repaired from another member), through
 * the group otherwise; writes submitted to the group's log and acknowledged only once committed and
 * applied.
 */
package io.pxlite.node.volume.datapath;
