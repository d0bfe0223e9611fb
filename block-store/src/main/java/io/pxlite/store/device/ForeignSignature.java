package io.pxlite.store.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Signatures of data that commonly sits at the start of a disk, used to tell the operator what an
 * unlabelled, non-empty device holds before refusing to take it over. Filesystems come before the
 * generic boot-sector mark, which several of them also carry.
 */
enum ForeignSignature {
  EXT("an ext2/ext3/ext4 filesystem", 1080, new byte[] {0x53, (byte) 0xEF}),
  XFS("an XFS filesystem", 0, ascii("XFSB")),
  BTRFS("a btrfs filesystem", 65536 + 64, ascii("_BHRfS_M")),
  LUKS("a LUKS encrypted volume", 0, new byte[] {'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE}),
  LVM("an LVM physical volume", 512 + 24, ascii("LVM2 001")),
  SWAP("a swap area", 4096 - 10, ascii("SWAPSPACE2")),
  GPT("a GPT partition table", 512, ascii("EFI PART")),
  MBR("a DOS partition table or boot sector", 510, new byte[] {0x55, (byte) 0xAA});

  private final String description;
  private final int offset;
  private final byte[] magic;

  ForeignSignature(String description, int offset, byte[] magic) {
    this.description = description;
    this.offset = offset;
    this.magic = magic;
  }

  String description() {
    return description;
  }

  /** The first signature found in a device's leading bytes. */
  static Optional<ForeignSignature> find(byte[] head, int length) {
    for (ForeignSignature s : values()) {
      int end = s.offset + s.magic.length;
      if (end <= length && Arrays.equals(head, s.offset, end, s.magic, 0, s.magic.length)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
