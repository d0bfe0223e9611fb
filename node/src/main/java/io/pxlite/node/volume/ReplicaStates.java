package io.pxlite.node.volume;

import io.pxlite.api.VolumeView.ReplicaStateView;
import io.pxlite.journal.GroupStatus;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Each replica's state as {@code volume inspect} shows it, from the group leader's view and the
 * nodes' liveness: in sync (has everything committed), catching up (reachable, behind), or down.
 */
record ReplicaStates(String leader, List<ReplicaStateView> replicas) {
  /** Silence longer than the election timeout: the leader has lost the member. */
  static final long SILENT_MILLIS = 3_000;

  static ReplicaStates of(VolumeRecord v, GroupStatus status, Predicate<String> online) {
    List<ReplicaStateView> out = new ArrayList<>();
    List<String> members = new ArrayList<>(v.replicas());
    if (v.witness() != null) {
      members.add(v.witness());
    }
    for (String node : members) {
      GroupStatus.Member m = status.members().get(node);
      String state;
      if (m == null || !online.test(node) || !m.reachable() || m.lastContactMillis() > SILENT_MILLIS) {
        state = "down";
      } else if (status.leader().isEmpty() || m.matchIndex() < status.commitIndex()) {
        state = "catching up";
      } else {
        state = "in sync";
      }
      out.add(new ReplicaStateView(node.equals(v.witness()) ? node + " (witness)" : node, state,
          m == null ? -1 : m.matchIndex(), status.commitIndex()));
    }
    return new ReplicaStates(status.leader().orElse(null), out);
  }

  boolean degraded() {
    return replicas.stream().anyMatch(r -> !r.state().equals("in sync"));
  }
}
