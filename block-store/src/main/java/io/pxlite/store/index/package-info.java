/**
 * The block index in RocksDB: block keys ({@code volume | block | version}) and the slot and CRC32C
 * each version lives at, the catalog of volumes and snapshots, and the atomic changes that record
 * blocks, metadata and the applied position in one batch.
 */
package io.pxlite.store.index;
