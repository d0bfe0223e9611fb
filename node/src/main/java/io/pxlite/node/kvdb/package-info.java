/**
 * The node's view of the kvdb (etcd through jetcd): node registration with a lease, and the catalog
 * of volumes and snapshots. Every call has a deadline and fails with
 * {@link io.pxlite.node.kvdb.KvdbUnavailableException} naming the endpoints, so a management call
 * never hangs on a missing etcd.
 *
 * <p>Key layout under {@code /pxlite/<clusterid>/}: {@code nodes/<nodeid>} (leased; gone when the
 * node stops renewing), {@code volumes/<name>} and {@code snapshots/<name>} (JSON records). Volume
 * and snapshot names share one namespace because both are NBD export names. The catalog is cached in
 * the data dir so a node restarted during a kvdb outage serves its volumes without waiting.
 */
package io.pxlite.node.kvdb;
