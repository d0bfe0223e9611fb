package io.pxlite.journal;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis client of one replica group's members, replaced when a member it addressed has left the
 * group (after {@code volume ha-update} or {@code cluster delete}): Ratis' client then fails every
 * request it holds and takes no more, and only a client built for the current members works again.
 *
 * <p>{@link #reconnect} runs on the group log's sender thread only, so replacements do not race;
 * readers may take {@link #current} from any thread.
 */
final class GroupClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupClient.class);
  /** How long a request keeps retrying (leader changes, a replica restarting) before it fails. */
  private static final TimeDuration RETRY_SLEEP = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);
  private static final int RETRIES = 300;

  private final ReplicaGroup group;
  private final Supplier<Optional<RaftGroup>> localMembers;
  private final Supplier<Optional<ReplicaGroup>> recordedMembers;
  private volatile RaftClient client;
  /** The members {@link #client} addresses. */
  private volatile RaftGroup members;
  /** Clients replaced by {@link #reconnect}: left open so that requests still on them finish; closed with this one. */
  private final List<RaftClient> formerClients = new CopyOnWriteArrayList<>();

  /**
   * @param localMembers the group's members as this node's own division knows them, if it has one:
   *     asked first when a member this client addressed has left
   * @param recordedMembers the members the cluster's records name: asked last, when neither this
   *     node's division nor any member this client knows reports the group (it moved away entirely)
   */
  GroupClient(ReplicaGroup group, Supplier<Optional<RaftGroup>> localMembers,
      Supplier<Optional<ReplicaGroup>> recordedMembers) {
    this.group = group;
    this.localMembers = localMembers;
    this.recordedMembers = recordedMembers;
    this.members = group.toRaftGroup();
    this.client = newClient(members);
  }

  private static RaftClient newClient(RaftGroup members) {
    return RaftClient.newBuilder()
        .setRaftGroup(members)
        .setProperties(RaftSettings.clientProperties())
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(RETRIES, RETRY_SLEEP))
        .build();
  }

  /** The client of the members as last known. */
  RaftClient current() {
    return client;
  }

  /** Whether a request failed because the client addressed a node no longer in the group. */
  static boolean membersChanged(Throwable cause) {
    return cause instanceof GroupMismatchException || cause instanceof AlreadyClosedException;
  }

  /**
   * Replaces {@code used} (unless that happened already) with a client of the members the group has
   * now, as this node's own division, else the first known member still hosting the group, else the
   * cluster's records report them. On the group log's sender thread.
   *
   * @return false when nobody could say (the request then fails as it is)
   */
  boolean reconnect(RaftClient used) {
    if (client != used) {
      return true;
    }
    Optional<RaftGroup> asked = localMembers.get().or(() -> askMembers(used)).or(() -> recordedMembers.get()
        .map(ReplicaGroup::toRaftGroup)
        .filter(recorded -> !new HashSet<>(recorded.getPeers()).equals(new HashSet<>(members.getPeers()))));
    if (asked.isEmpty()) {
      LOG.warn("replica group {}: a member this client addressed left, and neither any of {} nor the cluster's"
          + " records report other members", group.id(), members.getPeers());
      return false;
    }
    RaftGroup now = asked.get();
    LOG.info("replica group {}: a member it addressed left; its client now addresses {}", group.id(), now.getPeers());
    formerClients.add(used);
    members = now;
    client = newClient(now);
    return true;
  }

  /** The group's members as the first member still hosting it reports them; empty if none answers. */
  Optional<RaftGroup> askMembers(RaftClient via) {
    for (RaftPeer peer : members.getPeers()) {
      try {
        GroupInfoReply info = via.getGroupManagementApi(peer.getId()).info(group.id());
        if (info.isSuccess()) {
          return Optional.of(info.getGroup());
        }
      } catch (IOException | RuntimeException e) {
        // Left the group, or down: ask the next one.
      }
    }
    return Optional.empty();
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  @Override
  public void close() {
    try {
      for (RaftClient former : formerClients) {
        former.close();
      }
      client.close();
    } catch (IOException e) {
      throw new JournalException("closing the client of replica group " + group.id() + ": " + e.getMessage(), e);
    }
  }
}
