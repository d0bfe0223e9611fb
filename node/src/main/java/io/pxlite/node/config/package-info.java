/**
 * The node's configuration: config.json in PX's shape (clusterid, kvdb, mgtiface/dataiface or
 * mgmtip/dataip, storage.devices) plus pxlite's datadir and listeners, and sizes in PX's forms.
 * Invariant: every rejected config names the field and the problem; unknown fields are rejected.
 */
package io.pxlite.node.config;
