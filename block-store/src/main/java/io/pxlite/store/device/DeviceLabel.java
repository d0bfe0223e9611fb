package io.pxlite.store.device;

import io.pxlite.store.BlockStore;
import io.pxlite.store.index.BigEndian;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The label in a device's first block, which says whose device it is: cluster, node, the device's own
 * id (what the index refers to, so devices may change paths) and the capacity it was labelled with.
 *
 * <pre>
 *   0    "PXLITEDV"          8 bytes
 *   8    format version      4
 *   12   capacity bytes      8
 *   20   device id (UUID)    16
 *   36   cluster id length   2, then UTF-8 bytes
 *   ..   node id length      2, then UTF-8 bytes
 *   4092 CRC32C of bytes [0, 4092)
 * </pre>
 */
public record DeviceLabel(String clusterId, String nodeId, UUID deviceId, long capacityBytes) {
  static final int FORMAT_VERSION = 1;
  static final int SIZE = BlockStore.BLOCK_SIZE;
  private static final byte[] MAGIC = "PXLITEDV".getBytes(StandardCharsets.US_ASCII);
  private static final int CRC_OFFSET = SIZE - Integer.BYTES;
  private static final int MAX_ID_BYTES = 1024;

  /** A block that starts with the label magic but cannot be read as a label. */
  public static final class DamagedLabelException extends Exception {
    DamagedLabelException(String message) {
      super(message);
    }
  }

  /**
   * The label on the device at {@code device}, or empty if it has none (missing, too short, no label
   * magic). Used by the node to recover its identity when identity.json was lost.
   *
   * @throws DamagedLabelException if it starts with the label magic but is not a readable label
   */
  public static Optional<DeviceLabel> readFrom(Path device) throws IOException, DamagedLabelException {
    if (!Files.exists(device) || Files.size(device) < SIZE) {
      return Optional.empty();
    }
    byte[] block = new byte[SIZE];
    try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.wrap(block);
      while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
        // positional reads until the block is full
      }
    }
    return decode(block);
  }

  static boolean hasMagic(byte[] block) {
    return Arrays.equals(block, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Rejects ids that cannot be stored; called before anything is written. */
  public static void checkId(String what, String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_ID_BYTES + " bytes");
    }
  }

  boolean ownedBy(String cluster, String node) {
    return clusterId.equals(cluster) && nodeId.equals(node);
  }

  byte[] encode() {
    byte[] block = new byte[SIZE];
    System.arraycopy(MAGIC, 0, block, 0, MAGIC.length);
    BigEndian.putInt(block, 8, FORMAT_VERSION);
    BigEndian.putLong(block, 12, capacityBytes);
    BigEndian.putLong(block, 20, deviceId.getMostSignificantBits());
    BigEndian.putLong(block, 28, deviceId.getLeastSignificantBits());
    int at = putString(block, 36, clusterId);
    putString(block, at, nodeId);
    BigEndian.putInt(block, CRC_OFFSET, crc(block));
    return block;
  }

  /** The label in {@code block}, or empty if the block carries no label magic. */
  static Optional<DeviceLabel> decode(byte[] block) throws DamagedLabelException {
    if (!hasMagic(block)) {
      return Optional.empty();
    }
    if (BigEndian.getInt(block, CRC_OFFSET) != crc(block)) {
      throw new DamagedLabelException("label checksum does not match");
    }
    int version = BigEndian.getInt(block, 8);
    if (version != FORMAT_VERSION) {
      throw new DamagedLabelException("label format version " + version + " (this pxlite reads " + FORMAT_VERSION + ")");
    }
    long capacity = BigEndian.getLong(block, 12);
    UUID id = new UUID(BigEndian.getLong(block, 20), BigEndian.getLong(block, 28));
    int clusterLength = BigEndian.getUnsignedShort(block, 36);
    int nodeAt = 38 + clusterLength;
    if (clusterLength > MAX_ID_BYTES || nodeAt + 2 > CRC_OFFSET) {
      throw new DamagedLabelException("label cluster id length " + clusterLength);
    }
    int nodeLength = BigEndian.getUnsignedShort(block, nodeAt);
    if (nodeLength > MAX_ID_BYTES || nodeAt + 2 + nodeLength > CRC_OFFSET) {
      throw new DamagedLabelException("label node id length " + nodeLength);
    }
    String cluster = new String(block, 38, clusterLength, StandardCharsets.UTF_8);
    String node = new String(block, nodeAt + 2, nodeLength, StandardCharsets.UTF_8);
    return Optional.of(new DeviceLabel(cluster, node, id, capacity));
  }

  private static int putString(byte[] block, int at, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    BigEndian.putShort(block, at, bytes.length);
    System.arraycopy(bytes, 0, block, at + 2, bytes.length);
    return at + 2 + bytes.length;
  }

  private static int crc(byte[] block) {
    CRC32C crc = new CRC32C();
    crc.update(block, 0, CRC_OFFSET);
    return (int) crc.getValue();
  }
}
