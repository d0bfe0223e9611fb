package io.pxlite.node.volume.membership;

import io.pxlite.api.VolumeView.ReplicaStateView;
import io.pxlite.journal.GroupStatus;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Each replica's state as {@code volume inspect} shows it, from the group leader's view and the
 * nodes' liveness and records: in sync (has everything committed), catching up (reachable, behind),
 * unhealthy (its node's store failed: it keeps the log but applies nothing), or down.
 */
public record ReplicaStates(String leader, List<ReplicaStateView> replicas) {
  /** Silence longer than the election timeout: the leader has lost the member. */
  static final long SILENT_MILLIS = 3_000;

  public static ReplicaStates of(VolumeRecord v, GroupStatus status, Predicate<String> online,
      java.util.function.Function<String, java.util.Optional<String>> storeFailure) {
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
      ReplicaStateView shown = new ReplicaStateView(node.equals(v.witness()) ? node + " (witness)" : node, state,
          m == null ? -1 : m.matchIndex(), status.commitIndex());
      java.util.Optional<String> failed = state.equals("down") || node.equals(v.witness())
          ? java.util.Optional.empty() : storeFailure.apply(node);
      out.add(failed.isPresent() ? shown.unhealthy(failed.get()) : shown);
    }
    return new ReplicaStates(status.leader().orElse(null), out);
  }

  /**
   * Asks each replica that is behind whether it is being rebuilt (a full copy, when the log no longer
   * reaches back to it), and shows its progress if so. A replica that does not answer within
   * {@code patience} keeps its state.
   */
  public ReplicaStates withRebuildProgress(
      java.util.function.Function<String, java.util.concurrent.CompletableFuture<java.util.Optional<io.pxlite.journal.event.RebuildProgress>>> ask,
      java.time.Duration patience) {
    List<ReplicaStateView> out = new ArrayList<>();
    for (ReplicaStateView r : replicas) {
      ReplicaStateView shown = r;
      if (r.state().equals("catching up")) {
        String node = r.node().replace(" (witness)", "");
        try {
          java.util.Optional<io.pxlite.journal.event.RebuildProgress> p =
              ask.apply(node).get(patience.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          if (p.isPresent()) {
            shown = r.rebuilding(p.get().copiedBytes(), p.get().totalBytes());
          }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // Busy or just gone: its log position still says how far behind it is.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      out.add(shown);
    }
    return new ReplicaStates(leader, out);
  }

  public boolean degraded() {
    return replicas.stream().anyMatch(r -> !r.state().equals("in sync"));
  }
}
