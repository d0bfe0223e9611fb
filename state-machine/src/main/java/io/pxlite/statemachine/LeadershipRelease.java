package io.pxlite.statemachine;

import io.pxlite.journal.ReplicaGroup;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.LeaderElectionManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an unhealthy replica out of its group's leadership, so that the group's writes go on with
 * its healthy members: the replica stops standing for election (Ratis' leader-election pause, until
 * the node restarts) and, if it leads, hands the leadership to another data member — or steps down,
 * letting the others elect one, when no transfer succeeds. A leader that cannot apply answers every
 * write with {@code REPLICA_UNHEALTHY} and can serve no read, while its followers could do both.
 */
final class LeadershipRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipRelease.class);
  private static final long TRANSFER_TIMEOUT_MILLIS = 5_000;
  private static final ClientId CLIENT = ClientId.randomId();
  private static final AtomicLong CALLS = new AtomicLong();
  /** Off Ratis' threads: the apply thread must not wait for an election. */
  private static final ExecutorService RELEASES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "leadership-release");
    t.setDaemon(true);
    return t;
  });

  private LeadershipRelease() {}

  /** Starts releasing {@code groupId}'s leadership on {@code server} in the background. */
  static void start(RaftServer server, RaftGroupId groupId) {
    RELEASES.execute(() -> {
      try {
        release(server, groupId);
      } catch (IOException | RuntimeException e) {
        LOG.error("group {}: this unhealthy replica could not give up its leadership: {}", groupId, e.toString(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private static void release(RaftServer server, RaftGroupId groupId) throws IOException, InterruptedException {
    RaftPeerId self = server.getId();
    RaftServer.Division division = server.getDivision(groupId);
    List<RaftPeerId> candidates = division.getRaftConf().getCurrentPeers().stream()
        .filter(p -> !p.getId().equals(self) && p.getPriority() != ReplicaGroup.WITNESS_PRIORITY)
        .map(RaftPeer::getId)
        .toList();
    if (candidates.isEmpty()) {
      // The only data member: without it the group has no leader at all, and its reads of the data
      // still on healthy devices would go too.
      return;
    }
    RaftClientReply paused = server.leaderElectionManagement(
        LeaderElectionManagementRequest.newPause(CLIENT, self, groupId, CALLS.incrementAndGet()));
    if (!paused.isSuccess()) {
      LOG.warn("group {}: could not stop this unhealthy replica from standing for election: {}", groupId,
          paused.getException());
    }
    if (!division.getInfo().isLeader()) {
      LOG.warn("group {}: this replica is unhealthy; it no longer stands for election", groupId);
      return;
    }
    for (RaftPeerId next : candidates) {
      RaftClientReply moved = server.transferLeadership(new TransferLeadershipRequest(
          CLIENT, self, groupId, CALLS.incrementAndGet(), next, TRANSFER_TIMEOUT_MILLIS));
      if (moved.isSuccess()) {
        LOG.warn("group {}: this replica is unhealthy; handed its leadership to {}", groupId, next);
        return;
      }
      LOG.info("group {}: leadership transfer to {} failed: {}", groupId, next, moved.getException());
    }
    if (division.getInfo().isLeader()) {
      RaftClientReply down = server.transferLeadership(new TransferLeadershipRequest(
          CLIENT, self, groupId, CALLS.incrementAndGet(), null, TRANSFER_TIMEOUT_MILLIS));
      LOG.warn("group {}: this replica is unhealthy and no member took its leadership; stepped down ({})", groupId,
          down.isSuccess() ? "done" : down.getException());
    }
  }
}
