package io.pxlite.node.volume.datapath;

import io.pxlite.node.volume.membership.ReplicaGroups;
import io.pxlite.nbd.NbdExport;
import io.pxlite.nbd.NbdExportCatalog;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.qos.VolumeIoControl;
import io.pxlite.store.BlockStore;
import io.pxlite.journal.GroupLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The NBD exports of this node, by name: every volume (from this node's replica, or read through
 * its group where this node holds none) and every snapshot whose data this node holds.
 * Looks names up in the kvdb, and in the catalog's cache while the kvdb is away.
 */
public final class VolumeExports implements NbdExportCatalog {
  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final BlockStore store;
  private final VolumeIoControl ioControl;
  /** Per volume, shared by every connection on this node. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VolumeExports.class);
  private static final int LEADERSHIP_ATTEMPTS = 5;
  private static final long LEADERSHIP_PAUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
  private static final long CATCH_UP_BEFORE_TRANSFER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
  private final Map<Long, ReadFloor> floors = new ConcurrentHashMap<>();
  private final Map<String, Long> leadershipAsked = new ConcurrentHashMap<>();
  private final ExecutorService leadershipRequests = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "pxlite-leadership-request");
    t.setDaemon(true);
    return t;
  });

  public VolumeExports(ClusterCatalog catalog, ReplicaGroups groups, BlockStore store, VolumeIoControl ioControl) {
    this.catalog = catalog;
    this.groups = groups;
    this.store = store;
    this.ioControl = ioControl;
  }

  @Override
  public Optional<NbdExport> find(String name) {
    Optional<VolumeRecord> volume;
    boolean current;
    try {
      // As the kvdb has it now (which refreshes the cache): a record cached on this node misses
      // membership changes made through other nodes. Asked off the NBD event loops, where jetcd
      // (Vert.x underneath) could not complete the call.
      volume = catalog.volume(name);
      current = true;
    } catch (KvdbUnavailableException e) {
      // The kvdb is away: serve what this node knew, but a cached record may be behind a membership
      // change, so it must not make this node host the group again (see ReplicaGroups#clientOf).
      volume = catalog.cachedVolume(name);
      current = false;
    }
    if (volume.isPresent()) {
      VolumeRecord v = volume.get();
      GroupLog log = current ? groups.logOf(v) : groups.clientOf(v);
      io.pxlite.nbd.IoGate gate = ioControl.gate(v.numericId(), v.name(), v.ioPriority(), v.limits());
      if (store.hasVolume(v.numericId())) {
        preferLeadershipHere(log);
        return Optional.of(new GatedExport(StoreExport.volume(v.name(), v.numericId(), store, log,
            floors.computeIfAbsent(v.numericId(), id -> new ReadFloor()), groups.selfId()), gate));
      }
      // No replica here, or one still being copied (a new member rebuilding): read through the group.
      return Optional.of(new GatedExport(RemoteExport.open(v.name(), v.numericId(), log), gate));
    }
    Optional<SnapshotRecord> snapshot = catalog.cachedSnapshot(name);
    if (snapshot.isPresent() && store.snapshotParent(snapshot.get().numericId()).isPresent()) {
      return Optional.of(StoreExport.snapshot(name, snapshot.get().numericId(), store));
    }
    return Optional.empty();
  }

  /**
   * A volume served from this node's replica is written here: leading its group here saves every
   * write a hop. Asked in the background and at most every {@link #LEADERSHIP_PAUSE_NANOS} per group,
   * since volumes sharing a group may be attached on different nodes.
   */
  private void preferLeadershipHere(GroupLog log) {
    if (log.group().peers().size() < 2 || store.failure().isPresent()) {
      // A replica whose store failed must not lead: it gave its leadership away (LeadershipRelease).
      return;
    }
    long now = System.nanoTime();
    Long last = leadershipAsked.get(log.group().streamName());
    if (last != null && now - last < LEADERSHIP_PAUSE_NANOS) {
      return;
    }
    leadershipAsked.put(log.group().streamName(), now);
    leadershipRequests.execute(() -> {
      // A transfer to a replica that is behind (this node just restarted) waits for it to catch up,
      // and meanwhile the leader takes no reads, so the first read of a connection would wait out
      // its request timeout: transfer once this replica has applied what the group has.
      awaitCaughtUp(log);
      // A transfer fails while the group is busy electing or the target lags; a few tries, spaced.
      for (int attempt = 0; attempt < LEADERSHIP_ATTEMPTS; attempt++) {
        if (log.transferLeadership(groups.selfId(), java.time.Duration.ofSeconds(5))) {
          return;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
      }
      LOG.info("replica group {} kept its leader; writes from this node take one more hop",
          log.group().streamName());
    });
  }

  /** Waits (up to {@link #CATCH_UP_BEFORE_TRANSFER_NANOS}) until this replica applied the group's applied index. */
  private void awaitCaughtUp(GroupLog log) {
    long deadline = System.nanoTime() + CATCH_UP_BEFORE_TRANSFER_NANOS;
    long target;
    try {
      target = log.appliedIndex().get(CATCH_UP_BEFORE_TRANSFER_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.info("replica group {}: could not learn its applied index before moving its leadership here ({}); trying anyway",
          log.group().streamName(), e.toString());
      return;
    }
    String stream = log.group().streamName();
    while (store.applied(stream).index() < target && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  @Override
  public List<String> names() {
    return Stream.concat(
            catalog.cachedVolumes().stream().map(VolumeRecord::name),
            catalog.cachedSnapshots().stream().map(SnapshotRecord::name))
        .sorted()
        .toList();
  }
}
