package io.pxlite.node.telemetry;

import com.codahale.metrics.MetricRegistry;
import io.pxlite.api.VolumeView;
import io.pxlite.journal.GroupState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Each replica group this node hosts, from the latest sample: log size, apply lag, leadership and
 * its changes, followers' lag (on the leader), and the progress of a rebuild of this node's replica.
 */
final class GroupGauges implements Consumer<TelemetrySample> {
  private final String selfId;
  private final KeyedSeries groups;
  private final KeyedSeries followers;
  private volatile Map<String, GroupState> byStream = Map.of();
  private volatile Map<String, Long> followerLag = Map.of();
  private volatile Map<String, long[]> rebuildByStream = Map.of();
  /** Leader changes seen per group: the sum of its term's increases between samples. */
  private final Map<String, Long> leaderChanges = new ConcurrentHashMap<>();
  private final Map<String, Long> lastTerm = new HashMap<>();
  /** Checkpoints and purges seen per group: increases of its checkpoint index and log start between samples. */
  private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();
  private final Map<String, Long> purges = new ConcurrentHashMap<>();
  private final Map<String, GroupState> previous = new HashMap<>();

  GroupGauges(String selfId, MetricRegistry registry) {
    this.selfId = selfId;
    this.groups = new KeyedSeries(registry);
    this.followers = new KeyedSeries(registry);
  }

  @Override
  public void accept(TelemetrySample sample) {
    Map<String, GroupState> states = new LinkedHashMap<>();
    Map<String, String[]> groupLabels = new LinkedHashMap<>();
    Map<String, Long> lag = new HashMap<>();
    Map<String, String[]> followerLabels = new LinkedHashMap<>();
    for (GroupState g : sample.groups()) {
      states.put(g.stream(), g);
      groupLabels.put(g.stream(), new String[] {"group", g.stream()});
      countTermChanges(g);
      countCheckpointsAndPurges(g);
      g.followerLag().forEach((follower, entries) -> {
        String key = g.stream() + "/" + follower;
        lag.put(key, entries);
        followerLabels.put(key, new String[] {"group", g.stream(), "follower", follower});
      });
    }
    rebuildByStream = rebuilds(sample);
    byStream = states;
    followerLag = lag;
    groups.sync(groupLabels, (stream, s) -> {
      s.gauge("pxlite_group_log_bytes", value(stream, GroupState::logBytes));
      s.gauge("pxlite_group_apply_lag_entries", value(stream, g -> Math.max(0, g.commitIndex() - g.appliedIndex())));
      s.gauge("pxlite_group_is_leader", value(stream, g -> g.leading() ? 1 : 0));
      s.counter("pxlite_group_leader_changes_total", () -> leaderChanges.getOrDefault(stream, 0L));
      s.counter("pxlite_group_checkpoints_total", () -> checkpoints.getOrDefault(stream, 0L));
      s.counter("pxlite_group_purges_total", () -> purges.getOrDefault(stream, 0L));
      s.gauge("pxlite_group_rebuild_copied_bytes", () -> rebuildByStream.getOrDefault(stream, new long[2])[0]);
      s.gauge("pxlite_group_rebuild_total_bytes", () -> rebuildByStream.getOrDefault(stream, new long[2])[1]);
    });
    followers.sync(followerLabels, (key, s) ->
        s.gauge("pxlite_group_follower_lag_entries", () -> followerLag.getOrDefault(key, 0L)));
  }

  private void countTermChanges(GroupState g) {
    Long before = lastTerm.put(g.stream(), g.term());
    if (before != null && g.term() > before) {
      leaderChanges.merge(g.stream(), g.term() - before, Long::sum);
    }
  }

  private void countCheckpointsAndPurges(GroupState g) {
    GroupState before = previous.put(g.stream(), g);
    if (before == null) {
      return;
    }
    if (g.checkpointIndex() > before.checkpointIndex()) {
      checkpoints.merge(g.stream(), 1L, Long::sum);
    }
    if (g.logStartIndex() > before.logStartIndex()) {
      purges.merge(g.stream(), 1L, Long::sum);
    }
  }

  /** Bytes copied and to copy by a rebuild of this node's replica, per group; groups not rebuilding are absent. */
  private Map<String, long[]> rebuilds(TelemetrySample sample) {
    Map<String, long[]> out = new HashMap<>();
    for (VolumeView v : sample.localVolumes()) {
      for (VolumeView.ReplicaStateView r : v.replicaStates()) {
        if (r.node().equals(selfId) && r.state().equals("rebuilding")) {
          out.put(v.replicaGroup(), new long[] {r.rebuildCopiedBytes(), r.rebuildTotalBytes()});
        }
      }
    }
    return out;
  }

  private java.util.function.LongSupplier value(String stream, ToLongFunction<GroupState> field) {
    return () -> {
      GroupState g = byStream.get(stream);
      return g == null ? 0 : field.applyAsLong(g);
    };
  }
}
