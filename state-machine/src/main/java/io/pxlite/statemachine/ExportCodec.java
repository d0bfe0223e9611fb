package io.pxlite.statemachine;

import io.pxlite.journal.event.MalformedEventException;
import io.pxlite.store.BlockStore;
import io.pxlite.store.StoredVersion;
import io.pxlite.store.stream.StreamSnapshot;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The wire form of a rebuild's export answers: the manifest an export session opens with, and the
 * chunks of stored block versions read from it. Big-endian, fixed-width fields.
 *
 * <pre>
 *   manifest: session | index | term | estimatedBytes | nVolumes | (id | size)* | nSnapshots | (id | volume | index | size)*
 *   chunk:    nVersions | (block | version | kind | [crc | 4096 bytes])* | hasNext | [block | version] | sourceBusy
 * </pre>
 */
final class ExportCodec {
  private static final byte ZERO = 0;
  private static final byte DATA = 1;

  /** What an export session froze. */
  record Manifest(long session, long index, long term, long estimatedBytes, List<StreamSnapshot.VolumeInfo> volumes,
      List<StreamSnapshot.SnapshotInfo> snapshots) {}

  private ExportCodec() {}

  static ByteString manifest(Manifest m) {
    ByteBuffer b = ByteBuffer.allocate(8 * 4 + 4 + m.volumes().size() * 16 + 4 + m.snapshots().size() * 32);
    b.putLong(m.session()).putLong(m.index()).putLong(m.term()).putLong(m.estimatedBytes());
    b.putInt(m.volumes().size());
    for (StreamSnapshot.VolumeInfo v : m.volumes()) {
      b.putLong(v.id()).putLong(v.sizeBytes());
    }
    b.putInt(m.snapshots().size());
    for (StreamSnapshot.SnapshotInfo s : m.snapshots()) {
      b.putLong(s.id()).putLong(s.volumeId()).putLong(s.index()).putLong(s.sizeBytes());
    }
    return ByteString.copyFrom(b.flip());
  }

  static Manifest manifest(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    try {
      long session = b.getLong();
      long index = b.getLong();
      long term = b.getLong();
      long estimated = b.getLong();
      int n = count(b, 16);
      List<StreamSnapshot.VolumeInfo> volumes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        volumes.add(new StreamSnapshot.VolumeInfo(b.getLong(), b.getLong()));
      }
      int m = count(b, 32);
      List<StreamSnapshot.SnapshotInfo> snapshots = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        snapshots.add(new StreamSnapshot.SnapshotInfo(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
      }
      return new Manifest(session, index, term, estimated, volumes, snapshots);
    } catch (BufferUnderflowException e) {
      throw new MalformedEventException("truncated export manifest of " + bytes.size() + " bytes");
    }
  }

  /** A chunk as the rebuilding member receives it: the versions, and whether the source's clients were busy. */
  record ExportChunk(StreamSnapshot.Chunk chunk, boolean sourceBusy) {}

  static ByteString chunk(StreamSnapshot.Chunk c, boolean sourceBusy) {
    int data = (int) c.versions().stream().filter(StoredVersion::isData).count();
    ByteBuffer b = ByteBuffer.allocate(4 + c.versions().size() * 17 + data * (4 + BlockStore.BLOCK_SIZE) + 18);
    b.putInt(c.versions().size());
    for (StoredVersion v : c.versions()) {
      b.putLong(v.block()).putLong(v.version());
      if (v.isData()) {
        b.put(DATA).putInt(v.crc()).put(v.payload().duplicate());
      } else {
        b.put(ZERO);
      }
    }
    if (c.next() == null) {
      b.put((byte) 0);
    } else {
      b.put((byte) 1).putLong(c.next()[0]).putLong(c.next()[1]);
    }
    b.put(sourceBusy ? (byte) 1 : (byte) 0);
    return ByteString.copyFrom(b.flip());
  }

  static ExportChunk chunk(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    try {
      int n = count(b, 17);
      List<StoredVersion> versions = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long block = b.getLong();
        long version = b.getLong();
        byte kind = b.get();
        if (kind == DATA) {
          int crc = b.getInt();
          ByteBuffer payload = ByteBuffer.allocate(BlockStore.BLOCK_SIZE);
          payload.put(b.slice(b.position(), BlockStore.BLOCK_SIZE)).flip();
          b.position(b.position() + BlockStore.BLOCK_SIZE);
          versions.add(new StoredVersion(block, version, crc, payload));
        } else if (kind == ZERO) {
          versions.add(new StoredVersion(block, version, 0, null));
        } else {
          throw new MalformedEventException("unknown block version kind " + kind + " in an export chunk");
        }
      }
      long[] next = b.get() == 0 ? null : new long[] {b.getLong(), b.getLong()};
      // A source from before pacing sends no flag: read as not busy.
      boolean sourceBusy = b.hasRemaining() && b.get() == 1;
      return new ExportChunk(new StreamSnapshot.Chunk(versions, next), sourceBusy);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new MalformedEventException("truncated export chunk of " + bytes.size() + " bytes");
    }
  }

  private static int count(ByteBuffer b, int minEntryBytes) {
    int n = b.getInt();
    if (n < 0 || (long) n * minEntryBytes > b.remaining()) {
      throw new MalformedEventException("export answer claims " + n + " entries in " + b.remaining() + " bytes");
    }
    return n;
  }
}
