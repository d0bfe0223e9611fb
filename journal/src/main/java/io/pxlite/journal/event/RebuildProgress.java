package io.pxlite.journal.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * How far a member's rebuild has come: the answer to {@link VolumeQuery.RebuildStatus}.
 *
 * @param copiedBytes block payload copied so far
 * @param totalBytes the source's estimate of everything to copy (0 for a witness, which copies nothing)
 * @param source the member copied from
 */
public record RebuildProgress(long copiedBytes, long totalBytes, String source) {
  public ByteString encode() {
    byte[] name = source.getBytes(StandardCharsets.UTF_8);
    return ByteString.copyFrom(ByteBuffer.allocate(16 + name.length).putLong(copiedBytes).putLong(totalBytes).put(name).flip());
  }

  /** @throws MalformedEventException if the bytes are not a progress answer */
  public static RebuildProgress decode(ByteString bytes) {
    if (bytes.size() < 16) {
      throw new MalformedEventException("rebuild progress of " + bytes.size() + " bytes");
    }
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    long copied = b.getLong();
    long total = b.getLong();
    byte[] name = new byte[b.remaining()];
    b.get(name);
    return new RebuildProgress(copied, total, new String(name, StandardCharsets.UTF_8));
  }
}
