package io.pxlite.store;

import java.nio.ByteBuffer;

/**
 * One stored version of one block, as a stream export carries it from one replica's store to
 * another's: the block number, the version (log index that wrote it), and either its payload with
 * the CRC32C the source index recorded, or nothing for a zero marker.
 *
 * @param payload one block, or null for a zero marker
 */
public record StoredVersion(long block, long version, int crc, ByteBuffer payload) {
  public boolean isData() {
    return payload != null;
  }
}
