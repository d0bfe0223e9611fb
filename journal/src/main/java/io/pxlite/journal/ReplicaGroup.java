package io.pxlite.journal;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;

/**
 * A set of nodes that replicate the same volumes through one Raft group. Its id is its own (random),
 * not derived from the members: members change ({@code volume ha-update}) and the id stays, so an id
 * derived from a member set could name a group that has moved to other nodes since.
 */
public record ReplicaGroup(RaftGroupId id, List<ReplicaPeer> peers) {
  /**
   * A Ratis peer refuses its vote to a candidate of lower priority than its own, so a witness (lower
   * than every data replica) can never be elected: it has no data to answer reads or refusals from.
   */
  public static final int WITNESS_PRIORITY = 0;
  static final int DATA_PRIORITY = 1;

  public ReplicaGroup {
    peers = List.copyOf(peers);
  }

  /** A new group on these members, with a new id. */
  public static ReplicaGroup newGroup(List<ReplicaPeer> members) {
    return withId(UUID.randomUUID().toString(), members);
  }

  /** A group known by its id, with its current members. */
  public static ReplicaGroup withId(String id, List<ReplicaPeer> members) {
    List<ReplicaPeer> sorted = members.stream().sorted(Comparator.comparing(ReplicaPeer::nodeId)).toList();
    return new ReplicaGroup(RaftGroupId.valueOf(UUID.fromString(id)), sorted);
  }

  /** The same group with other members. */
  public ReplicaGroup withMembers(List<ReplicaPeer> members) {
    return withId(streamName(), members);
  }

  /** The member on {@code nodeId}, if any. */
  public java.util.Optional<ReplicaPeer> member(String nodeId) {
    return peers.stream().filter(p -> p.nodeId().equals(nodeId)).findFirst();
  }

  /** The name the block store uses for this group's log stream. */
  public String streamName() {
    return id.getUuid().toString();
  }

  /** A Ratis peer of a group as a member: the witness is the one with the witness priority. */
  static ReplicaPeer peerOf(RaftPeer p) {
    ReplicaPeer member = new ReplicaPeer(p.getId().toString(), p.getAddress());
    return p.getPriority() == WITNESS_PRIORITY ? member.asWitness() : member;
  }

  RaftGroup toRaftGroup() {
    return RaftGroup.valueOf(
        id,
        peers.stream()
            .map(p -> RaftPeer.newBuilder().setId(p.nodeId()).setAddress(p.raftAddress())
                .setPriority(p.witness() ? WITNESS_PRIORITY : DATA_PRIORITY).build())
            .toList());
  }
}
