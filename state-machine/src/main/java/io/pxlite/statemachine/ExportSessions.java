package io.pxlite.statemachine;

import io.pxlite.store.BlockStore;
import io.pxlite.store.stream.StreamSnapshot;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export sessions this member serves to replicas being rebuilt: each a frozen
 * {@link StreamSnapshot} of the group, read in chunks by one rebuilding member. A session nobody
 * read for {@link #IDLE_MILLIS} is closed (its reader died), because an open session keeps the
 * space freed meanwhile from being reused. Idle time is measured on the monotonic clock: a wall clock
 * that jumps an hour forward must not end a rebuild in progress.
 */
final class ExportSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ExportSessions.class);
  static final long IDLE_MILLIS = 60_000;
  /** More rebuilds from one member at once would only share its disk. */
  static final int MAX_SESSIONS = 2;
  private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "export-session-sweeper");
    t.setDaemon(true);
    return t;
  });

  private record Session(StreamSnapshot snapshot, long[] lastUsed) {}

  private final String group;
  private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledFuture<?> sweep;

  ExportSessions(String group) {
    this.group = group;
    this.sweep = SWEEPER.scheduleWithFixedDelay(this::closeIdle, 10, 10, TimeUnit.SECONDS);
  }

  /** Opens a session on a view {@code freeze} takes (between two log entries) and describes it. */
  synchronized ExportCodec.Manifest open(BlockStore store, Supplier<StreamSnapshot> freeze) {
    closeIdle();
    if (sessions.size() >= MAX_SESSIONS) {
      throw new IllegalStateException("this member already serves " + sessions.size() + " rebuilds of group " + group);
    }
    StreamSnapshot snapshot = freeze.get();
    long id = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    sessions.put(id, new Session(snapshot, new long[] {System.nanoTime()}));
    long estimated = 0;
    for (StreamSnapshot.VolumeInfo v : snapshot.volumes()) {
      if (store.hasVolume(v.id())) {
        estimated += store.usage(v.id()).liveBytes() + store.usage(v.id()).snapshotBytes();
      }
    }
    LOG.info("group {}: export session {} opened at log index {} for a rebuild: {} volumes, about {} bytes", group, id,
        snapshot.position().index(), snapshot.volumes().size(), estimated);
    return new ExportCodec.Manifest(id, snapshot.position().index(), snapshot.position().term(), estimated,
        snapshot.volumes(), snapshot.snapshots());
  }

  StreamSnapshot.Chunk read(long session, long volumeId, long block, long version, int maxVersions) {
    Session s = sessions.get(session);
    if (s == null) {
      throw new IllegalStateException("no export session " + session + " of group " + group + " (closed or expired)");
    }
    s.lastUsed()[0] = System.nanoTime();
    return s.snapshot().read(volumeId, new long[] {block, version}, maxVersions);
  }

  void close(long session) {
    Session s = sessions.remove(session);
    if (s != null) {
      s.snapshot().close();
      LOG.info("group {}: export session {} closed", group, session);
    }
  }

  /** The group's division is closing: end every session and the sweep. */
  void closeAll() {
    sweep.cancel(false);
    sessions.keySet().forEach(this::close);
  }

  private void closeIdle() {
    long now = System.nanoTime();
    sessions.forEach((id, s) -> {
      if (now - s.lastUsed()[0] > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
        LOG.warn("group {}: export session {} unused for {} s; closing it", group, id, IDLE_MILLIS / 1000);
        close(id);
      }
    });
  }
}
