package io.pxlite.node.volume.schedule;

import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.VolumeIds;
import io.pxlite.node.volume.membership.ReplicaGroups;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes volumes' scheduled snapshots and deletes the oldest beyond each schedule's retention.
 *
 * <p>Every few seconds each node looks at the volumes whose first live replica it is, and for each
 * schedule makes sure its latest due slot is taken — only the latest, so a slot missed while the
 * cluster was down is taken once on return, not once per missed slot. Exactly one snapshot per slot
 * holds cluster-wide without electing anyone: a slot's snapshot has a name and an id that follow from
 * the volume and the slot alone, the kvdb creates a name only once, and the volume's log refuses a
 * second snapshot with the same id. Two nodes that both believe they act (while liveness changes)
 * therefore take the same snapshot. The catalog record is made before the log event and the event is
 * submitted again for a record this node has not seen committed, so a node that dies between the two
 * leaves nothing half-made for long: whoever acts next completes it.
 */
public final class SnapshotScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);
  static final long PERIOD_MILLIS = 5_000;
  private static final long EVENT_DEADLINE_SECONDS = 30;

  private final String self;
  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final Clock clock;
  /** Snapshot names this node saw committed, so each is submitted to the log once per run. */
  private final Map<String, Boolean> committed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pxlite-snapshot-schedules");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean kvdbAway;

  public SnapshotScheduler(String self, ClusterCatalog catalog, ReplicaGroups groups, Clock clock) {
    this.self = self;
    this.catalog = catalog;
    this.groups = groups;
    this.clock = clock;
  }

  public SnapshotScheduler start() {
    timer.scheduleWithFixedDelay(this::runOnce, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  void runOnce() {
    try {
      List<VolumeRecord> volumes = catalog.volumes();
      List<SnapshotRecord> snapshots = null;
      for (VolumeRecord v : volumes) {
        if (v.schedules().isEmpty() || !actsFor(v)) {
          continue;
        }
        if (snapshots == null) {
          snapshots = catalog.snapshots();
        }
        for (SnapSchedule schedule : v.schedules().stream().map(SnapSchedule::of).toList()) {
          Instant now = clock.instant();
          List<SnapshotRecord> ofVolume = snapshots.stream().filter(s -> s.volumeId().equals(v.id())).toList();
          try {
            takeDueSlot(v, schedule, now, ofVolume);
            prune(v, schedule, catalog.snapshots());
          } catch (ScheduleStepFailed e) {
            LOG.warn("snapshot schedule {} of volume {}: {}; trying again in {} s", schedule.text(), v.name(),
                e.getMessage(), PERIOD_MILLIS / 1000);
          }
        }
        snapshots = null;
      }
      if (kvdbAway) {
        LOG.info("snapshot schedules run again: the kvdb is back");
        kvdbAway = false;
      }
    } catch (KvdbUnavailableException e) {
      if (!kvdbAway) {
        LOG.warn("snapshot schedules wait for the kvdb: {}", e.getMessage());
        kvdbAway = true;
      }
    } catch (RuntimeException e) {
      // Keep the schedule: an exception thrown out of a scheduled task would end it for good.
      LOG.warn("running snapshot schedules failed; trying again in {} s", PERIOD_MILLIS / 1000, e);
    }
  }

  /** Whether this node is the volume's first replica that is alive (witnesses hold no data to snapshot). */
  private boolean actsFor(VolumeRecord v) {
    Optional<String> first = v.replicas().stream().filter(catalog::isAlive).findFirst();
    return first.isPresent() && first.get().equals(self);
  }

  private void takeDueSlot(VolumeRecord v, SnapSchedule schedule, Instant now, List<SnapshotRecord> ofVolume) {
    Instant slot = schedule.dueSlot(now);
    if (slot == null) {
      return;
    }
    String name = schedule.snapshotName(v.name(), slot);
    if (committed.containsKey(name)) {
      return;
    }
    long id = schedule.snapshotId(v.id(), slot);
    String hexId = VolumeIds.format(id);
    Optional<SnapshotRecord> existing = ofVolume.stream().filter(s -> s.name().equals(name)).findFirst();
    if (existing.isPresent() && !existing.get().id().equals(hexId)) {
      // A snapshot someone named like this slot: the slot counts as taken, and is not taken again.
      committed.put(name, true);
      return;
    }
    if (existing.isEmpty()) {
      SnapshotRecord record = new SnapshotRecord(hexId, name, v.id(), v.name(), v.sizeBytes(), now.toString(),
          schedule.kind().option());
      if (!catalog.createSnapshot(record)) {
        return; // another node made it meanwhile; it submits the event
      }
      LOG.info("taking scheduled snapshot {} of volume {} ({})", name, v.name(), schedule.text());
    }
    EventOutcome outcome = await(groups.logOf(v).submit(new VolumeEvent.Snapshot(v.numericId(), id)),
        "snapshot " + name);
    if (outcome.isOk() || outcome.code() == EventOutcome.Code.ALREADY_EXISTS) {
      committed.put(name, true);
    } else {
      throw new ScheduleStepFailed("snapshot " + name + " failed: " + outcome.message());
    }
  }

  /** Deletes this schedule's oldest snapshots of {@code v} beyond its retention. */
  private void prune(VolumeRecord v, SnapSchedule schedule, List<SnapshotRecord> all) {
    List<SnapshotRecord> taken = all.stream()
        .filter(s -> s.volumeId().equals(v.id()) && schedule.kind().option().equals(s.creator()))
        .sorted(Comparator.comparing(SnapshotRecord::name))
        .toList();
    for (SnapshotRecord old : taken.subList(0, Math.max(0, taken.size() - schedule.keep()))) {
      EventOutcome outcome = await(groups.logOf(v).submit(new VolumeEvent.DeleteSnapshot(old.numericId())),
          "delete snapshot " + old.name());
      if (!outcome.isOk() && outcome.code() != EventOutcome.Code.NO_SUCH_VOLUME) {
        throw new ScheduleStepFailed("deleting " + old.name() + " (beyond keep " + schedule.keep() + ") failed: "
            + outcome.message());
      }
      catalog.deleteSnapshot(old.name());
      committed.remove(old.name());
      LOG.info("deleted scheduled snapshot {} of volume {}: {} keeps {}", old.name(), v.name(), schedule.text(),
          schedule.keep());
    }
  }

  private static EventOutcome await(java.util.concurrent.CompletableFuture<EventOutcome> submission, String what) {
    try {
      return submission.get(EVENT_DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new ScheduleStepFailed(what + ": the replica group did not commit within " + EVENT_DEADLINE_SECONDS + " s");
    } catch (ExecutionException e) {
      throw new ScheduleStepFailed(what + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScheduleStepFailed(what + ": interrupted");
    }
  }

  /** One step of a schedule that did not complete; the next round tries it again. */
  static final class ScheduleStepFailed extends RuntimeException {
    ScheduleStepFailed(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
