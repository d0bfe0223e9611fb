package io.pxlite.journal;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Raft settings pxlite runs with, each chosen on purpose (see ARCHITECTURE.md, "Raft
 * settings"). Sizes are tied together: an event is at most {@link #MAX_EVENT_BYTES}, the appender
 * batches up to {@link #APPENDER_BYTES}, the log write buffer holds a full batch, and a gRPC message
 * carries a full batch plus headers.
 */
public final class RaftSettings {
  /** Writes larger than this are split into several events by the submitter. */
  public static final int MAX_EVENT_BYTES = 1 << 20;

  static final SizeInBytes APPENDER_BYTES = SizeInBytes.valueOf("8MB");
  static final int APPENDER_ELEMENTS = 1024;
  static final SizeInBytes LOG_WRITE_BUFFER = SizeInBytes.valueOf(APPENDER_BYTES.getSize() + (64 << 10));
  static final SizeInBytes GRPC_MESSAGE_MAX = SizeInBytes.valueOf(APPENDER_BYTES.getSize() + (1 << 20));
  /**
   * Ratis keeps the open segment's entries, payloads included, on the heap until the segment rolls:
   * per group that was written, up to this much stays in memory even when it falls idle. Tests lower
   * it (-Dpxlite.raft.segmentSize=8MB): the log is purged in whole segments only.
   */
  static final SizeInBytes SEGMENT_SIZE = SizeInBytes.valueOf(System.getProperty("pxlite.raft.segmentSize", "16MB"));
  /**
   * Entries of closed segments Ratis may keep on the heap per group (with the open segment counted
   * in): past it, closed segments are evicted and read back from their files when a lagging follower
   * needs them. Ratis' default (200 MB and 6 segments per group) filled a 512 MB heap with a few
   * groups written while a replica was away, and the node failed with OutOfMemoryError.
   */
  static final SizeInBytes SEGMENT_CACHE_SIZE = SizeInBytes.valueOf("32MB");
  static final int SEGMENT_CACHE_SEGMENTS = 2;
  /**
   * Entries between store checkpoints; also how much log a restart replays at most. Tests lower it
   * (-Dpxlite.raft.snapshotEveryEntries) so that logs are purged and replicas must be rebuilt.
   */
  static final long SNAPSHOT_EVERY_ENTRIES = Long.getLong("pxlite.raft.snapshotEveryEntries", 50_000);
  /**
   * Log bytes after which the store is checkpointed, whatever the entry count (see {@link LogRetention}):
   * bounds a restart's replay. Tests lower it (-Dpxlite.raft.checkpointSize=4MB).
   */
  static final SizeInBytes CHECKPOINT_SIZE = SizeInBytes.valueOf(System.getProperty("pxlite.raft.checkpointSize", "1GB"));
  /**
   * Log bytes a node keeps for members that are down or behind; past it the log is purged to the last
   * checkpoint and such a member is rebuilt when it returns. Tests lower it (-Dpxlite.raft.logRetention=16MB).
   */
  static final SizeInBytes LOG_RETENTION = SizeInBytes.valueOf(System.getProperty("pxlite.raft.logRetention", "4GB"));
  /**
   * Log bytes beyond the retention a leader keeps for followers that are present but behind (being
   * rebuilt or catching up), so they continue from the log instead of being rebuilt again (see
   * {@link LogRetention}).
   */
  static final SizeInBytes REBUILD_LOG_HOLD = SizeInBytes.valueOf(System.getProperty("pxlite.raft.rebuildLogHold", "1GB"));
  /** In-flight submissions per group client: two NBD connections at queue depth 128. */
  static final int CLIENT_OUTSTANDING = 512;
  /** The first election timeout after a start (later ones: 1-2 s, see {@link #serverProperties}). */
  static final int FIRST_ELECTION_MIN_MILLIS = 200;
  static final int FIRST_ELECTION_MAX_MILLIS = 500;

  private RaftSettings() {}

  static RaftProperties serverProperties(Path storageDir, InetSocketAddress raftAddress) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(new File(storageDir.toString())));
    GrpcConfigKeys.Server.setHost(p, raftAddress.getHostString());
    GrpcConfigKeys.Server.setPort(p, raftAddress.getPort());
    GrpcConfigKeys.setMessageSizeMax(p, GRPC_MESSAGE_MAX);
    GrpcConfigKeys.setFlowControlWindow(p, GRPC_MESSAGE_MAX);

    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SEGMENT_SIZE);
    RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SEGMENT_CACHE_SIZE);
    RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, SEGMENT_CACHE_SEGMENTS);
    // Ratis purges only once this many entries are purgeable; keep it below the checkpoint interval.
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, SNAPSHOT_EVERY_ENTRIES / 4));
    RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("4MB"));
    RaftServerConfigKeys.Log.setWriteBufferSize(p, LOG_WRITE_BUFFER);
    // Never acknowledge before the log is on disk: the log is the only durable copy of a new write.
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    // Not the "safe" async flush either: in Ratis 3.2.2 its completion marks lastWrittenIndex *as read
    // when the fsync returns* as flushed (and ignores fsync errors), so it can ack unsynced entries.
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    // Commit-index metadata entries would cost a second log write (and fsync) per commit; Raft
    // re-derives the commit index after a restart, so they buy nothing pxlite needs.
    RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
    // Purge only what every replica has: a replica that was down catches up from the log, instead of
    // needing a rebuild as soon as the others checkpoint.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, false);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, APPENDER_BYTES);
    RaftServerConfigKeys.Log.Appender.setBufferElementLimit(p, APPENDER_ELEMENTS);
    RaftServerConfigKeys.Log.Appender.setWaitTimeMin(p, TimeDuration.ZERO);
    // Followers that fall behind the log are rebuilt by pxlite from a healthy replica, not by
    // shipping Ratis snapshot files (the store is not a file set).
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);

    // Seconds, not Ratis' 150/300 ms: a JVM GC pause must not start an election.
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(5, TimeUnit.SECONDS));
    // Right after a start there is no GC history to ride out, and a group whose only member is this
    // node serves nothing until it elected itself; pre-vote keeps an early candidate from deposing a
    // healthy leader of a larger group.
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(FIRST_ELECTION_MIN_MILLIS, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(FIRST_ELECTION_MAX_MILLIS, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
    // Reads through Ratis (a node with no replica, or learning the applied index) confirm leadership
    // and wait for the apply, so a deposed leader never answers with stale data.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_EVERY_ENTRIES);
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, true);
    return p;
  }

  static RaftProperties clientProperties() {
    RaftProperties p = new RaftProperties();
    GrpcConfigKeys.setMessageSizeMax(p, GRPC_MESSAGE_MAX);
    GrpcConfigKeys.setFlowControlWindow(p, GRPC_MESSAGE_MAX);
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, CLIENT_OUTSTANDING);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(5, TimeUnit.SECONDS));
    return p;
  }
}
