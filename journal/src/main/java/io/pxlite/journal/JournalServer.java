package io.pxlite.journal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.StateMachine;

/**
 * This node's Raft server: one Ratis server hosting a division for every replica group the node
 * belongs to (multi-raft), with its logs under one storage directory. On start Ratis reopens every
 * group found in the storage directory, so a restarted node rejoins its groups by itself.
 */
public final class JournalServer implements AutoCloseable {
  private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

  private final String nodeId;
  private final RaftServer server;
  private final Map<RaftGroupId, GroupLog> logs = new ConcurrentHashMap<>();

  private JournalServer(String nodeId, RaftServer server) {
    this.nodeId = nodeId;
    this.server = server;
  }

  /**
   * Starts the server on {@code raftAddress} with logs under {@code storageDir}.
   *
   * @param stateMachines makes the state machine of each group this server hosts
   */
  public static JournalServer start(
      String nodeId, InetSocketAddress raftAddress, Path storageDir, StateMachine.Registry stateMachines) {
    try {
      Files.createDirectories(storageDir);
      RaftServer server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(nodeId))
          .setProperties(RaftSettings.serverProperties(storageDir, raftAddress))
          .setStateMachineRegistry(stateMachines)
          .build();
      server.start();
      return new JournalServer(nodeId, server);
    } catch (IOException e) {
      throw new JournalException(
          "cannot start the Raft server of node " + nodeId + " on " + raftAddress + " with logs in " + storageDir
              + ": " + e.getMessage(), e);
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public boolean hosts(ReplicaGroup group) {
    return StreamSupport.stream(server.getGroupIds().spliterator(), false).anyMatch(group.id()::equals);
  }

  /**
   * Makes sure this node runs a division of {@code group} (creating it, empty, on first use) and
   * returns the client that submits events to the group.
   */
  public GroupLog join(ReplicaGroup group) {
    if (!hosts(group)) {
      try (RaftClient admin = RaftClient.newBuilder()
          .setRaftGroup(group.toRaftGroup())
          .setProperties(RaftSettings.clientProperties())
          .build()) {
        RaftClientReply reply = admin.getGroupManagementApi(server.getId()).add(group.toRaftGroup());
        if (!reply.isSuccess()) {
          throw new JournalException("node " + nodeId + " could not add replica group " + group.id()
              + ": " + reply.getException());
        }
      } catch (IOException e) {
        throw new JournalException("node " + nodeId + " could not add replica group " + group.id() + ": "
            + e.getMessage(), e);
      }
      awaitLeader(group, LEADER_WAIT);
    }
    return logs.computeIfAbsent(group.id(), id -> GroupLog.open(group));
  }

  /**
   * Waits until a new group has elected a leader that is ready to take requests, so the first
   * events are not bounced (and logged) while the election runs.
   */
  private void awaitLeader(ReplicaGroup group, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      RaftServer.Division division = server.getDivision(group.id());
      while (System.nanoTime() < deadline) {
        RaftPeerId leader = division.getInfo().getLeaderId();
        if (leader != null && (!leader.equals(server.getId()) || division.getInfo().isLeaderReady())) {
          return;
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new JournalException("cannot inspect new replica group " + group.id() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted waiting for a leader of replica group " + group.id(), e);
    }
    throw new JournalException("replica group " + group.id() + " elected no leader within " + timeout);
  }

  /**
   * Waits until every group hosted here has applied the whole log it found on disk at start, so
   * that nothing is served from a store that has not caught up with its own log.
   *
   * @throws JournalException naming the group that did not catch up within {@code timeout}
   */
  public void awaitReplay(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (RaftGroupId id : server.getGroupIds()) {
      try {
        RaftServer.Division division = server.getDivision(id);
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long target = last == null ? -1 : last.getIndex();
        while (division.getInfo().getLastAppliedIndex() < target) {
          if (System.nanoTime() > deadline) {
            throw new JournalException("replica group " + id + " applied only up to "
                + division.getInfo().getLastAppliedIndex() + " of " + target + " log entries within " + timeout);
          }
          Thread.sleep(20);
        }
      } catch (IOException e) {
        throw new JournalException("cannot inspect replica group " + id + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JournalException("interrupted while replaying replica group " + id, e);
      }
    }
  }

  @Override
  public void close() {
    logs.values().forEach(GroupLog::close);
    logs.clear();
    try {
      server.close();
    } catch (IOException e) {
      throw new JournalException("closing the Raft server of node " + nodeId + ": " + e.getMessage(), e);
    }
  }
}
