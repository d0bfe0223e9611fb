package io.pxlite.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.SnapshotInfo;
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
 */
final class LogRetention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);
  private static final long PERIOD_MILLIS = 2_000;
  private static final long CHECKPOINT_TIMEOUT_MILLIS = 60_000;

  private final RaftServer server;
  private final long checkpointBytes;
  private final long retainBytes;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "log-retention");
    t.setDaemon(true);
    return t;
  });
  private final ClientId clientId = ClientId.randomId();
  private long callId;

  LogRetention(RaftServer server, long checkpointBytes, long retainBytes) {
    if (checkpointBytes <= 0 || retainBytes < checkpointBytes) {
      throw new IllegalArgumentException("log retention " + retainBytes + " bytes must be at least the checkpoint size "
          + checkpointBytes + " bytes, and both positive");
    }
    this.server = server;
    this.checkpointBytes = checkpointBytes;
    this.retainBytes = retainBytes;
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
    if (size.total() > retainBytes && checkpointed > division.getRaftLog().getStartIndex()) {
      LOG.warn("group {}: the log holds {} MiB, more than the {} MiB kept for members that are behind; purging it up to "
              + "the checkpoint at {} (a member that has not got those entries will be rebuilt from a replica)",
          group, size.total() >> 20, retainBytes >> 20, checkpointed);
      division.getRaftLog().purge(checkpointed);
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
