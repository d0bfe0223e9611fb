package io.pxlite.journal;

import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pxlite.ops.metrics.MetricName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Raft server: one Ratis server hosting a division for every replica group the node
 * belongs to (multi-raft), with its logs under one storage directory. On start Ratis reopens every
 * group found in the storage directory, so a restarted node rejoins its groups by itself.
 */
public final class JournalServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalServer.class);
  private static final Duration LEADER_WAIT = Duration.ofSeconds(30);

  private final String nodeId;
  private final RaftServer server;
  private final MetricRegistry metrics;
  private final LogRetention retention;
  private final Map<RaftGroupId, GroupLog> logs = new ConcurrentHashMap<>();
  private final java.util.Queue<GroupLog> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private JournalServer(String nodeId, RaftServer server, MetricRegistry metrics) {
    this.nodeId = nodeId;
    this.server = server;
    this.metrics = metrics;
    this.retention = new LogRetention(server, RaftSettings.CHECKPOINT_SIZE.getSize(), RaftSettings.LOG_RETENTION.getSize(),
        RaftSettings.REBUILD_LOG_HOLD.getSize());
    retention.start();
  }

  /**
   * Starts the server on {@code raftAddress} with logs under {@code storageDir}.
   *
   * @param stateMachines makes the state machine of each group this server hosts
   */
  public static JournalServer start(
      String nodeId, InetSocketAddress raftAddress, Path storageDir, StateMachine.Registry stateMachines) {
    return start(nodeId, raftAddress, storageDir, stateMachines, new MetricRegistry());
  }

  /** {@link #start(String, InetSocketAddress, Path, StateMachine.Registry)}, timing each group's commits in {@code metrics}. */
  public static JournalServer start(String nodeId, InetSocketAddress raftAddress, Path storageDir,
      StateMachine.Registry stateMachines, MetricRegistry metrics) {
    try {
      Files.createDirectories(storageDir);
      if (RatisStandIns.loaded()) {
        LOG.info(RatisStandIns.describe());
      } else {
        LOG.warn(RatisStandIns.describe());
      }
      RaftServer server = RaftServer.newBuilder()
          .setServerId(RaftPeerId.valueOf(nodeId))
          .setProperties(RaftSettings.serverProperties(storageDir, raftAddress))
          .setStateMachineRegistry(stateMachines)
          .build();
      server.start();
      return new JournalServer(nodeId, server, metrics);
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
   * Makes sure every member of {@code group} runs a division of it (creating it, empty, where it is
   * missing) and returns the client that submits events to the group. A member that cannot be
   * reached now is skipped as long as a majority hosts the group: it joins when it starts (see
   * {@link #hostLocally}) and then catches up from the log.
   */
  public GroupLog join(ReplicaGroup group) {
    return join(group, Optional::empty);
  }

  /** {@link #join(ReplicaGroup)}, with the log's last resort for finding members (see {@link #log(ReplicaGroup, Supplier)}). */
  public GroupLog join(ReplicaGroup group, Supplier<Optional<ReplicaGroup>> recordedMembers) {
    boolean created = false;
    List<String> unreachable = new ArrayList<>();
    try (RaftClient admin = RaftClient.newBuilder()
        .setRaftGroup(group.toRaftGroup())
        .setProperties(RaftSettings.clientProperties())
        .build()) {
      for (ReplicaPeer peer : group.peers()) {
        if (peer.nodeId().equals(nodeId)) {
          created |= hostLocally(group);
          continue;
        }
        try {
          RaftClientReply reply = admin.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).add(group.toRaftGroup());
          if (!reply.isSuccess() && !alreadyHosted(reply)) {
            unreachable.add(peer.nodeId() + " (" + reply.getException() + ")");
          }
        } catch (AlreadyExistsException e) {
          // Joined before: nothing to do.
        } catch (IOException e) {
          unreachable.add(peer.nodeId() + " (" + e.getMessage() + ")");
        }
      }
    } catch (IOException e) {
      throw new JournalException("cannot reach replica group " + group.id() + ": " + e.getMessage(), e);
    }
    int hosting = group.peers().size() - unreachable.size();
    if (hosting <= group.peers().size() / 2) {
      throw new JournalException("replica group " + group.id() + " cannot be formed: only " + hosting + " of "
          + group.peers().size() + " members reachable; unreachable: " + String.join(", ", unreachable));
    }
    if (!unreachable.isEmpty()) {
      LOG.warn("replica group {} formed without {}; they join when they start", group.id(), unreachable);
    }
    if (created) {
      awaitLeader(group, LEADER_WAIT);
    }
    return log(group, recordedMembers);
  }

  /**
   * Adds a division of {@code group} to this server if it has none.
   *
   * @return whether it was added now
   */
  public boolean hostLocally(ReplicaGroup group) {
    if (hosts(group)) {
      return false;
    }
    try (RaftClient admin = RaftClient.newBuilder()
        .setRaftGroup(group.toRaftGroup())
        .setProperties(RaftSettings.clientProperties())
        .build()) {
      RaftClientReply reply = admin.getGroupManagementApi(server.getId()).add(group.toRaftGroup());
      if (!reply.isSuccess() && !alreadyHosted(reply)) {
        throw new JournalException("node " + nodeId + " could not add replica group " + group.id()
            + ": " + reply.getException());
      }
      return true;
    } catch (AlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      throw new JournalException("node " + nodeId + " could not add replica group " + group.id() + ": "
          + e.getMessage(), e);
    }
  }

  private static boolean alreadyHosted(RaftClientReply reply) {
    return reply.getException() != null && String.valueOf(reply.getException().getMessage()).contains("already exists");
  }

  /**
   * Changes the members of a running group (same id) — see {@link GroupMembership}. Clients of the
   * group opened before keep working: Ratis tells them where the leader went.
   *
   * @return nodes that left but could not remove their division now (down); they do it when they start
   */
  public List<String> changeMembers(ReplicaGroup from, ReplicaGroup to, Duration timeout) {
    List<String> notRemoved = GroupMembership.change(from, to, timeout);
    forgetLog(from);
    return notRemoved;
  }

  /**
   * Stops handing out this client of the group (its members changed). It stays open until the node
   * stops: NBD connections opened before keep using it, and Ratis tells it where the leader went.
   */
  public void forgetLog(ReplicaGroup group) {
    GroupLog stale = logs.remove(group.id());
    if (stale != null) {
      retired.add(stale);
    }
  }

  /**
   * Removes this node's division of a group it is no longer a member of (it was down when it left).
   *
   * @param stream the group's stream name, as {@link #hostedGroups} lists it
   */
  public void leaveLocally(String stream) {
    RaftGroupId groupId = ReplicaGroup.withId(stream, List.of()).id();
    try (RaftClient admin = RaftClient.newBuilder()
        .setRaftGroup(org.apache.ratis.protocol.RaftGroup.valueOf(groupId, server.getPeer()))
        .setProperties(RaftSettings.clientProperties())
        .build()) {
      RaftClientReply reply = admin.getGroupManagementApi(server.getId()).remove(groupId, true, false);
      if (!reply.isSuccess()) {
        throw new JournalException("node " + nodeId + " could not leave replica group " + groupId + ": " + reply.getException());
      }
    } catch (IOException e) {
      throw new JournalException("node " + nodeId + " could not leave replica group " + groupId + ": " + e.getMessage(), e);
    }
  }

  /** The state of every group this node hosts a division of, as that division knows it. */
  public List<GroupState> groupStates() {
    List<GroupState> states = new ArrayList<>();
    for (RaftGroupId id : server.getGroupIds()) {
      localDivision(id).ifPresent(division -> states.add(stateOf(id, division)));
    }
    return states;
  }

  private static GroupState stateOf(RaftGroupId id, RaftServer.Division division) {
    org.apache.ratis.server.DivisionInfo info = division.getInfo();
    long commit = division.getRaftLog().getLastCommittedIndex();
    org.apache.ratis.statemachine.SnapshotInfo checkpoint = division.getStateMachine().getLatestSnapshot();
    Map<String, Long> lag = new java.util.LinkedHashMap<>();
    if (info.isLeader()) {
      // Both lists come from the leader's log appenders, in the same order.
      List<org.apache.ratis.proto.RaftProtos.ServerRpcProto> followers =
          info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
      long[] match = info.getFollowerMatchIndices();
      for (int i = 0; i < Math.min(followers.size(), match.length); i++) {
        lag.put(followers.get(i).getId().getId().toStringUtf8(), Math.max(0, commit - match[i]));
      }
    }
    return new GroupState(id.getUuid().toString(), info.isLeader(), info.getCurrentTerm(), commit,
        info.getLastAppliedIndex(), directoryBytes(division.getRaftStorage().getStorageDir().getRoot().toPath()),
        checkpoint == null ? -1 : checkpoint.getIndex(), division.getRaftLog().getStartIndex(), lag);
  }

  /** Bytes of the files under {@code dir}; files removed while counting (a purge) are skipped. */
  private static long directoryBytes(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(f -> {
        try {
          return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** The groups this node hosts a division of, by stream name ({@link ReplicaGroup#streamName}). */
  public List<String> hostedGroups() {
    List<String> out = new ArrayList<>();
    server.getGroupIds().forEach(id -> out.add(id.getUuid().toString()));
    return out;
  }

  /**
   * The client of a group this node submits to, whether or not it is a member. A group keeps its id
   * when its members change, so a client opened for other members is retired (left open for the
   * connections using it) and a new one opened for these. {@code recordedMembers} (the cluster's
   * records, read when asked) is the client's last resort for finding the group's members when every
   * member it knows has left it.
   */
  public GroupLog log(ReplicaGroup group, Supplier<Optional<ReplicaGroup>> recordedMembers) {
    return logs.compute(group.id(), (id, current) -> {
      if (current != null && new HashSet<>(current.group().peers()).equals(new HashSet<>(group.peers()))) {
        return current;
      }
      if (current != null) {
        retired.add(current);
      }
      return GroupLog.open(group, () -> localMembers(id), () -> localDivision(id), recordedMembers,
          metrics.timer(MetricName.of("pxlite_group_commit_latency_seconds", "group", group.streamName()),
              () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build())));
    });
  }

  /** This node's division of a group; empty if it hosts none. */
  private Optional<RaftServer.Division> localDivision(RaftGroupId id) {
    try {
      return Optional.of(server.getDivision(id));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The members of a group as this node's division knows them; empty if it hosts none. */
  private Optional<org.apache.ratis.protocol.RaftGroup> localMembers(RaftGroupId id) {
    try {
      return Optional.of(server.getDivision(id).getGroup());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until a new group has elected a leader that is ready to take requests, so the first
   * events are not bounced (and logged) while the election runs.
   */
  private void awaitLeader(ReplicaGroup group, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      RaftServer.Division division = server.getDivision(group.id());
      if (group.peers().size() > 1) {
        // Other members may still be starting: the group's clients retry until one leads.
        return;
      }
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
   * Waits until every group of which this node is the only member has applied the whole log it found
   * on disk at start (it elects itself first). Groups with other members are not waited for: their
   * commit index comes from a leader that may take seconds to reach a node that was down, and their
   * readers never depend on the replay (a read waits for the group's applied index, or is served by
   * the group while this replica lags).
   *
   * @throws JournalException naming the group that did not catch up within {@code timeout}
   */
  public void awaitReplayOfSoleMemberGroups(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (RaftGroupId id : server.getGroupIds()) {
      try {
        RaftServer.Division division = server.getDivision(id);
        if (division.getGroup().getPeers().size() > 1) {
          continue;
        }
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long target = last == null ? -1 : last.getIndex();
        long waitStart = System.nanoTime();
        long from = division.getInfo().getLastAppliedIndex();
        while (division.getInfo().getLastAppliedIndex() < target) {
          if (System.nanoTime() > deadline) {
            throw new JournalException("replica group " + id + " applied only up to "
                + division.getInfo().getLastAppliedIndex() + " of " + target + " log entries within " + timeout);
          }
          Thread.sleep(20);
        }
        LOG.info("replica group {}: replayed log entries {} to {} in {} ms", id, from + 1, target,
            (System.nanoTime() - waitStart) / 1_000_000);
      } catch (IOException e) {
        throw new JournalException("cannot inspect replica group " + id + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JournalException("interrupted while replaying replica group " + id, e);
      }
    }
  }

  /** For tests: the index of the last entry in this node's log of {@code group}, -1 if there is none. */
  public long lastLogIndexForTest(ReplicaGroup group) throws IOException {
    TermIndex last = server.getDivision(group.id()).getRaftLog().getLastEntryTermIndex();
    return last == null ? -1 : last.getIndex();
  }

  /**
   * For tests: checkpoints this node's replica of {@code group} (as {@link LogRetention} does, on
   * the apply thread), then purges its log up to {@code index}.
   *
   * @return the index of the first entry left in the log
   */
  public long checkpointAndPurgeForTest(ReplicaGroup group, long index) throws Exception {
    org.apache.ratis.protocol.RaftClientReply reply = server.snapshotManagementAsync(
        org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(
            org.apache.ratis.protocol.ClientId.randomId(), server.getId(), group.id(), 1, 30_000, 1))
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    if (!reply.isSuccess()) {
      throw new JournalException("checkpoint of group " + group.id() + " failed: " + reply.getException());
    }
    RaftServer.Division division = server.getDivision(group.id());
    division.getRaftLog().purge(index).get(60, java.util.concurrent.TimeUnit.SECONDS);
    return division.getRaftLog().getStartIndex();
  }

  @Override
  public void close() {
    retention.close();
    logs.values().forEach(GroupLog::close);
    logs.clear();
    retired.forEach(GroupLog::close);
    retired.clear();
    try {
      server.close();
    } catch (IOException e) {
      throw new JournalException("closing the Raft server of node " + nodeId + ": " + e.getMessage(), e);
    }
  }
}
