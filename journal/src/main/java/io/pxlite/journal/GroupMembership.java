package io.pxlite.journal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes the members of a running replica group while its volumes stay in use ({@code volume
 * ha-update}, {@code cluster delete}), through Ratis' configuration changes, one safe step at a time:
 * <ol>
 *   <li>new members first, one at a time: each gets an empty division, then the group takes it in.
 *       Ratis admits it only once it caught up (from the log, or rebuilt from a healthy member when
 *       the log no longer reaches back), so redundancy never drops while it copies;</li>
 *   <li>a member changing role (data replica ↔ witness) leaves and comes back in its new role, with
 *       nothing: a witness has no data to promote, and a data replica's data must go;</li>
 *   <li>members that leave go last; their divisions are removed, which drops their copy.</li>
 * </ol>
 * Each step needs the group's leader, so a majority of the group must be up.
 */
final class GroupMembership {
  private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

  private final RaftClient admin;
  private final long deadline;
  private ReplicaGroup current;

  private GroupMembership(ReplicaGroup current, Duration timeout) {
    this.current = current;
    this.deadline = System.nanoTime() + timeout.toNanos();
    this.admin = RaftClient.newBuilder()
        .setRaftGroup(current.toRaftGroup())
        .setProperties(RaftSettings.clientProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(500, java.util.concurrent.TimeUnit.MILLISECONDS)))
        .build();
  }

  /**
   * Moves the group from {@code from} to the members of {@code to} (same group id).
   *
   * @return the nodes whose division could not be removed (down); they drop it when they start
   */
  static List<String> change(ReplicaGroup from, ReplicaGroup to, Duration timeout) {
    if (!from.id().equals(to.id())) {
      throw new IllegalArgumentException("a membership change keeps the group: " + from.id() + " vs " + to.id());
    }
    GroupMembership m = new GroupMembership(from, timeout);
    try {
      return m.run(to);
    } finally {
      try {
        m.admin.close();
      } catch (IOException e) {
        LOG.warn("closing the admin client of group {}: {}", from.id(), e.toString());
      }
    }
  }

  private List<String> run(ReplicaGroup target) {
    List<ReplicaPeer> joining = new ArrayList<>();
    List<ReplicaPeer> changingRole = new ArrayList<>();
    for (ReplicaPeer p : target.peers()) {
      current.member(p.nodeId()).ifPresentOrElse(
          now -> {
            if (now.witness() != p.witness()) {
              changingRole.add(p);
            }
          },
          () -> joining.add(p));
    }
    List<String> notRemoved = new ArrayList<>();
    // One at a time: Ratis refuses a change that adds as many members as it keeps (RATIS-1912).
    for (ReplicaPeer p : joining) {
      List<ReplicaPeer> next = new ArrayList<>(current.peers());
      next.add(p);
      admit(List.of(p), current.withMembers(next));
    }
    for (ReplicaPeer p : changingRole) {
      List<ReplicaPeer> without = new ArrayList<>(current.peers());
      without.removeIf(x -> x.nodeId().equals(p.nodeId()));
      leadAmong(without);
      reconfigure(current.withMembers(without));
      removeDivision(p.nodeId(), notRemoved);
      List<ReplicaPeer> back = new ArrayList<>(without);
      back.add(p);
      admit(List.of(p), current.withMembers(back));
    }
    List<ReplicaPeer> leaving = current.peers().stream().filter(p -> target.member(p.nodeId()).isEmpty()).toList();
    if (!leaving.isEmpty()) {
      leadAmong(target.peers());
      reconfigure(target);
      for (ReplicaPeer p : leaving) {
        removeDivision(p.nodeId(), notRemoved);
      }
    }
    return notRemoved;
  }

  /**
   * Moves the group's leadership to a data member among {@code staying} if it is elsewhere. A Ratis
   * 3.2.2 leader that commits a configuration without itself closes its own division from its
   * leader-state thread, and that close can wait forever for client requests that need the very
   * same thread (a linearizable read): the division then never goes, and never drops its copy.
   * A leader that stays never closes itself. Best effort: without a transfer the change still runs.
   */
  private void leadAmong(List<ReplicaPeer> staying) {
    java.util.Set<String> stayingIds = new java.util.HashSet<>();
    staying.forEach(p -> stayingIds.add(p.nodeId()));
    for (int attempt = 0; attempt < 5 && System.nanoTime() < deadline; attempt++) {
      java.util.Optional<String> leader = GroupStatus.ask(admin, current).leader();
      if (leader.isPresent() && stayingIds.contains(leader.get())) {
        return;
      }
      java.util.Optional<ReplicaPeer> next = staying.stream().filter(p -> !p.witness()).findFirst();
      if (next.isEmpty()) {
        return;
      }
      try {
        if (admin.admin().transferLeadership(RaftPeerId.valueOf(next.get().nodeId()), 10_000).isSuccess()) {
          LOG.info("replica group {}: leadership moved to {}, which stays, before the change", current.id(),
              next.get().nodeId());
          return;
        }
      } catch (IOException e) {
        LOG.info("replica group {}: moving the leadership to {} failed: {}", current.id(), next.get().nodeId(),
            e.toString());
      }
      sleep();
    }
    LOG.warn("replica group {}: its leader may leave in this change (it could not be moved to one of {})", current.id(),
        stayingIds);
  }

  /** Gives each of {@code newcomers} an empty division of {@code next}, then makes {@code next} the configuration. */
  private void admit(List<ReplicaPeer> newcomers, ReplicaGroup next) {
    for (ReplicaPeer p : newcomers) {
      try {
        RaftClientReply reply = admin.getGroupManagementApi(RaftPeerId.valueOf(p.nodeId())).add(next.toRaftGroup());
        if (!reply.isSuccess() && !String.valueOf(reply.getException()).contains("already exists")) {
          throw new JournalException("node " + p.nodeId() + " could not host replica group " + next.id() + ": "
              + reply.getException());
        }
      } catch (AlreadyExistsException e) {
        // Left over from an earlier attempt: it catches up like any member.
      } catch (IOException e) {
        throw new JournalException("node " + p.nodeId() + " is unreachable, so it cannot join replica group "
            + next.id() + ": " + e.getMessage(), e);
      }
    }
    reconfigure(next);
  }

  /** Makes {@code next} the group's configuration; Ratis waits for new members to catch up first. */
  private void reconfigure(ReplicaGroup next) {
    List<RaftPeer> peers = next.toRaftGroup().getPeers().stream().toList();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        RaftClientReply reply = admin.admin().setConfiguration(peers);
        if (reply.isSuccess()) {
          LOG.info("replica group {} now has members {}", next.id(), describe(next));
          current = next;
          return;
        }
        last = reply.getException();
      } catch (IOException e) {
        last = e;
      }
      LOG.info("replica group {}: configuration change to {} not done yet: {}", next.id(), describe(next), String.valueOf(last));
      sleep();
    }
    throw new JournalException("replica group " + next.id() + " did not take members " + describe(next)
        + " in time (a majority must be up, and new members must catch up): " + last, last);
  }

  private void removeDivision(String nodeId, List<String> notRemoved) {
    try {
      RaftClientReply reply = admin.getGroupManagementApi(RaftPeerId.valueOf(nodeId)).remove(current.id(), true, false);
      if (!reply.isSuccess()) {
        LOG.warn("node {} did not remove its division of group {}: {}", nodeId, current.id(), reply.getException());
        notRemoved.add(nodeId);
      }
    } catch (IOException e) {
      LOG.warn("node {} is unreachable; it drops its division of group {} when it starts: {}", nodeId, current.id(),
          e.toString());
      notRemoved.add(nodeId);
    }
  }

  private static String describe(ReplicaGroup g) {
    return g.peers().stream().map(p -> p.witness() ? p.nodeId() + " (witness)" : p.nodeId()).toList().toString();
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted while changing the members of a replica group", e);
    }
  }
}
