package io.pxlite.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every group's log on this node within a size in bytes. Ratis counts entries, and entries
 * here weigh anything from a few bytes to four MiB, so a count bounds neither the disk the log takes
 * nor how long a restart replays it. Every few seconds, per group:
 * <ul>
 *   <li>past {@link #checkpointBytes} of log the store is checkpointed (a Ratis snapshot), which
 *       lets Ratis purge what every member has, and bounds the replay after a crash;</li>
 *   <li>past {@link #retainBytes} the log is purged up to the last checkpoint even though a member
 *       that is down or slow has not got those entries yet: that member is rebuilt from a healthy
 *       replica when it is back (Ratis tells it the log moved on; see the state machine's rebuild),
 *       instead of this node's disk filling up while it is away.</li>
 * </ul>
 * Purging never goes past the local checkpoint, so this node's own store never needs the entries.
 * Nor, while the log stays within {@link #holdBytes} more than the retention, past what a member that
 * is here needs: a leader holds its log from the lowest commit index it knows of the followers that
 * answered it within {@link #PRESENT_MILLIS}. Retention is for members that are away; a member that
 * is present but behind (being rebuilt, or catching up after its rebuild, while clients keep
 * writing) would otherwise find the entries it continues from purged, and be rebuilt again, and
 * again.
 */
final class LogRetention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
  private static final long PERIOD_MILLIS = 2_000;
  private static final long CHECKPOINT_TIMEOUT_MILLIS = 60_000;
  /** A follower that answered its leader this recently is present (Ratis' election timeouts are 1-2 s). */
  static final long PRESENT_MILLIS = 5_000;

  private final RaftServer server;
  private final long checkpointBytes;
  private final long retainBytes;
  private final long holdBytes;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "log-retention");
    t.setDaemon(true);
    return t;
  });
  private final ClientId clientId = ClientId.randomId();
  private long callId;

  LogRetention(RaftServer server, long checkpointBytes, long retainBytes, long holdBytes) {
    if (checkpointBytes <= 0 || retainBytes < checkpointBytes || holdBytes < 0) {
      throw new IllegalArgumentException("log retention " + retainBytes + " bytes must be at least the checkpoint size "
          + checkpointBytes + " bytes, both positive, and the hold for present followers (" + holdBytes
          + " bytes) not negative");
    }
    this.server = server;
    this.checkpointBytes = checkpointBytes;
    this.retainBytes = retainBytes;
    this.holdBytes = holdBytes;
  }

  void start() {
    timer.scheduleWithFixedDelay(this::checkAll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void checkAll() {
    for (RaftGroupId id : server.getGroupIds()) {
      try {
        check(server.getDivision(id));
      } catch (IOException | RuntimeException e) {
        // A group being added or removed right now; the next round sees it settled.
        LOG.debug("log retention skipped group {}: {}", id, e.toString());
      }
    }
  }

  private void check(RaftServer.Division division) throws IOException {
    long checkpointed = checkpointIndex(division);
    LogSize size = LogSize.of(division.getRaftStorage().getStorageDir().getCurrentDir().toPath(), checkpointed);
    RaftGroupId group = division.getGroup().getGroupId();
    long purgeTo = purgeTo(size.total(), checkpointed, purgeableForPresentFollowers(division));
    if (purgeTo > division.getRaftLog().getStartIndex()) {
      LOG.warn("group {}: the log holds {} MiB, more than the {} MiB kept for members that are behind; purging it up to "
              + "{} (a member that has not got those entries will be rebuilt from a replica)", group,
          size.total() >> 20, retainBytes >> 20, purgeTo == checkpointed ? "the checkpoint at " + checkpointed
              : purgeTo + ", what a follower that is here but behind has");
      division.getRaftLog().purge(purgeTo);
    }
    if (size.sinceCheckpoint() > checkpointBytes && division.getInfo().getLastAppliedIndex() > checkpointed) {
      // Asynchronous: the apply thread takes it between two entries; a later round sees the result.
      server.snapshotManagementAsync(SnapshotManagementRequest.newCreate(clientId, server.getId(), group, ++callId,
          CHECKPOINT_TIMEOUT_MILLIS, 1)).whenComplete((reply, error) -> {
            if (error != null || !reply.isSuccess()) {
              LOG.warn("group {}: checkpoint for a log of {} MiB not taken: {}", group, size.sinceCheckpoint() >> 20,
                  error != null ? error.toString() : reply.getException());
            }
          });
    }
  }

  /**
   * On a leader, how far the log may be purged without a present follower (one that answered it
   * within {@link #PRESENT_MILLIS}) missing what it continues from: below the lowest commit index the
   * leader knows of such a follower (its match index can only be higher, and appends to it start
   * after it, proving the entry before). {@link Long#MAX_VALUE} on a follower or with none present.
   */
  static long purgeableForPresentFollowers(RaftServer.Division division) {
    if (!division.getInfo().isLeader()) {
      return Long.MAX_VALUE;
    }
    Set<ByteString> present = new HashSet<>();
    for (ServerRpcProto f : division.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
      if (f.getLastRpcElapsedTimeMs() <= PRESENT_MILLIS) {
        present.add(f.getId().getId());
      }
    }
    Map<ByteString, Long> committed = new HashMap<>();
    for (CommitInfoProto c : division.getCommitInfos()) {
      committed.put(c.getServer().getId(), c.getCommitIndex());
    }
    long purgeable = Long.MAX_VALUE;
    for (ByteString id : present) {
      // A follower that has not said what it committed yet (new, or being rebuilt) needs everything.
      purgeable = Math.min(purgeable, committed.getOrDefault(id, 0L) - 1);
    }
    return purgeable;
  }

  /**
   * How far a log of {@code totalBytes} is purged (-1: not at all): to the checkpoint once past the
   * retention, but not past {@code purgeable} (what present followers have) while within the hold
   * beyond the retention.
   */
  long purgeTo(long totalBytes, long checkpointed, long purgeable) {
    if (totalBytes <= retainBytes) {
      return -1;
    }
    return purgeable < checkpointed && totalBytes <= retainBytes + holdBytes ? purgeable : checkpointed;
  }

  private static long checkpointIndex(RaftServer.Division division) {
    SnapshotInfo latest = division.getStateMachine().getLatestSnapshot();
    return latest == null ? -1 : latest.getIndex();
  }

  /**
   * Bytes of a division's log segment files, in all and in segments holding entries after
   * {@code checkpointed} (Ratis names them {@code log_<first>-<last>}, and the open one
   * {@code log_inprogress_<first>}).
   */
  record LogSize(long total, long sinceCheckpoint) {
    static LogSize of(Path currentDir, long checkpointed) throws IOException {
      long total = 0;
      long since = 0;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(currentDir, "log_*")) {
        for (Path f : files) {
          long bytes;
          try {
            bytes = Files.size(f);
          } catch (NoSuchFileException purgedMeanwhile) {
            continue;
          }
          total += bytes;
          if (lastIndex(f.getFileName().toString()) > checkpointed) {
            since += bytes;
          }
        }
      } catch (NoSuchFileException e) {
        return new LogSize(0, 0);
      }
      return new LogSize(total, since);
    }

    /** The last entry a segment file holds; the open segment (or a name not understood) counts as current. */
    private static long lastIndex(String name) {
      int dash = name.lastIndexOf('-');
      if (name.startsWith("log_inprogress_") || dash < 0) {
        return Long.MAX_VALUE;
      }
      try {
        return Long.parseLong(name.substring(dash + 1));
      } catch (NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
