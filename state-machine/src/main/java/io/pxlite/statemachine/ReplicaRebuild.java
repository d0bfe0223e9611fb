package io.pxlite.statemachine;

import io.pxlite.journal.MemberQueries;
import io.pxlite.journal.event.RebuildProgress;
import io.pxlite.journal.event.VolumeQuery;
import io.pxlite.store.ApplyPosition;
import io.pxlite.store.BlockStore;
import io.pxlite.store.stream.StreamImport;
import io.pxlite.store.stream.StreamSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds this member's copy of a group from a healthy member, when the group's log no longer
 * reaches back to where this member stands (it was wiped, replaced, or away past the log's
 * retention). Ratis asks for it with {@code notifyInstallSnapshotFromLeader}.
 *
 * <p>The healthy member freezes the group's state at a whole log entry (an export session); this
 * member drops what it held of the group, copies every volume, block version and snapshot of the
 * frozen state, records the entry's position and checkpoints. Ratis then continues the log after
 * that position. A witness copies nothing: it only takes the position. A source that fails or
 * disappears mid-copy is replaced by the next one and the copy starts over.
 */
final class ReplicaRebuild {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaRebuild.class);
  /** Block versions per chunk: about 2 MiB of payload, well under the transport's message limit. */
  static final int CHUNK_VERSIONS = 512;
  private static final long ASK_SECONDS = 30;
  private static final long RETRY_MILLIS = 2_000;

  private final BlockStore store;
  private final String stream;
  private final String selfId;
  private final boolean witness;
  private final RebuildPacer pacer;
  private volatile long copiedBytes;
  private volatile long estimatedBytes;
  private volatile String source;

  ReplicaRebuild(BlockStore store, String stream, String selfId, boolean witness, ForegroundActivity clients) {
    this.store = store;
    this.stream = stream;
    this.selfId = selfId;
    this.witness = witness;
    this.pacer = new RebuildPacer(RebuildPacer.PACE, clients::busy);
  }

  /** Progress for {@code volume inspect}: copied bytes, the source's estimate, and the source. */
  RebuildProgress progress() {
    return new RebuildProgress(copiedBytes, estimatedBytes, String.valueOf(source));
  }

  /**
   * Copies the group's state from a member other than this one, trying the leader first, until one
   * succeeds at a position at or after {@code neededIndex} (what the leader's log continues from), or
   * {@code stopped} says to give up.
   */
  TermIndex run(RaftGroup group, String leaderId, long neededIndex, java.util.function.BooleanSupplier stopped)
      throws InterruptedException {
    List<String> sources = new ArrayList<>();
    if (leaderId != null && !leaderId.equals(selfId)) {
      sources.add(leaderId);
    }
    for (RaftPeer p : group.getPeers()) {
      String id = p.getId().toString();
      if (!id.equals(selfId) && !sources.contains(id) && p.getPriority() != io.pxlite.journal.ReplicaGroup.WITNESS_PRIORITY) {
        sources.add(id);
      }
    }
    try (MemberQueries members = new MemberQueries(group)) {
      for (int attempt = 1; !stopped.getAsBoolean(); attempt++) {
        for (String from : sources) {
          try {
            TermIndex done = copyFrom(members, from, neededIndex);
            if (done != null) {
              return done;
            }
          } catch (Exception e) {
            LOG.warn("group {}: rebuild from {} failed (attempt {}): {}", stream, from, attempt, e.toString());
          }
        }
        Thread.sleep(RETRY_MILLIS);
      }
    }
    throw new IllegalStateException("group " + stream + ": rebuild stopped, the division is closing");
  }

  /** One copy from one member; null if that member is itself not far enough along. */
  private TermIndex copyFrom(MemberQueries members, String from, long neededIndex) throws Exception {
    ExportCodec.Manifest m = ExportCodec.manifest(ask(members, from, new VolumeQuery.ExportOpen()));
    try {
      if (m.index() < neededIndex) {
        LOG.info("group {}: {} has applied only up to {}, the log continues from {}; trying another member", stream,
            from, m.index(), neededIndex + 1);
        return null;
      }
      source = from;
      estimatedBytes = witness ? 0 : m.estimatedBytes();
      copiedBytes = 0;
      ApplyPosition position = new ApplyPosition(stream, m.index(), m.term());
      long started = System.nanoTime();
      if (witness) {
        store.recordApplied(position);
        store.checkpoint();
      } else {
        LOG.info("group {}: rebuilding from {} at log index {}: {} volumes, {} snapshots, about {} MiB", stream, from,
            m.index(), m.volumes().size(), m.snapshots().size(), m.estimatedBytes() >> 20);
        StreamImport imported = store.beginStreamImport(stream);
        for (StreamSnapshot.VolumeInfo v : m.volumes()) {
          imported.volume(v.id(), v.sizeBytes());
          long[] cursor = {0, 0};
          while (cursor != null) {
            long chunkStarted = System.nanoTime();
            ExportCodec.ExportChunk c = ExportCodec.chunk(ask(members, from,
                new VolumeQuery.ExportRead(m.session(), v.id(), cursor[0], cursor[1], CHUNK_VERSIONS)));
            imported.versions(v.id(), c.chunk().versions());
            copiedBytes = imported.importedBytes();
            cursor = c.chunk().next();
            if (pacer.yields(c.sourceBusy())) {
              pacer.pauseAfter(System.nanoTime() - chunkStarted);
              if (pacer.budgetSpent()) {
                LOG.info("group {}: the rebuild has paused {} ms for clients, all it may; it copies at full speed from"
                    + " now on", stream, pacer.pausedMillis());
              }
            }
          }
        }
        for (StreamSnapshot.SnapshotInfo s : m.snapshots()) {
          imported.snapshot(s.id(), s.volumeId(), s.index(), s.sizeBytes());
        }
        imported.finish(position);
      }
      LOG.info("group {}: rebuilt from {} at log index {}: {} bytes in {} ms ({} ms of it paused for clients)", stream,
          from, m.index(), copiedBytes, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), pacer.pausedMillis());
      return TermIndex.valueOf(m.term(), m.index());
    } finally {
      try {
        ask(members, from, new VolumeQuery.ExportClose(m.session()));
      } catch (Exception e) {
        LOG.warn("group {}: could not close export session {} on {} (it expires by itself): {}", stream, m.session(),
            from, e.toString());
      }
    }
  }

  private static ByteString ask(MemberQueries members, String from, VolumeQuery q) throws Exception {
    return members.ask(from, q).get(ASK_SECONDS, TimeUnit.SECONDS);
  }
}
