package io.pxlite.store.index;

/**
 * The block index's RocksDB work since the store opened, and its memory now.
 *
 * @param bytesWritten bytes written to the index (memtables and WAL-less writes)
 * @param bytesRead bytes read by index look-ups
 * @param compactions compactions completed
 * @param memtableBytes all memtables, now
 * @param blockCacheBytes the block cache in use, now
 */
public record IndexStats(long bytesWritten, long bytesRead, long compactions, long memtableBytes, long blockCacheBytes) {}
