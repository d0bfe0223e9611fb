package io.pxlite.journal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * A replica group as its leader sees it: who leads, how far the log is committed, and how far each
 * member has it. Asked of the members one by one until the leader answers; members that do not
 * answer are reported unreachable.
 *
 * @param leader the leader's node id, empty when no member claims to lead
 * @param commitIndex the leader's commit index (-1 without a leader)
 * @param members by node id, in the group's order
 */
public record GroupStatus(Optional<String> leader, long commitIndex, Map<String, Member> members) {

  /**
   * One member.
   *
   * @param matchIndex the member's commit index as the leader last heard it (how far it has the
   *     log; -1 when unknown)
   * @param lastContactMillis since the leader last heard from it (0 for the leader; -1 when unknown)
   */
  public record Member(String nodeId, boolean reachable, long matchIndex, long lastContactMillis) {}

  static GroupStatus ask(RaftClient client, ReplicaGroup group) {
    Map<String, Boolean> reachable = new LinkedHashMap<>();
    GroupInfoReply leaderView = null;
    for (ReplicaPeer peer : group.peers()) {
      try {
        GroupInfoReply reply = client.getGroupManagementApi(RaftPeerId.valueOf(peer.nodeId())).info(group.id());
        reachable.put(peer.nodeId(), reply.isSuccess());
        if (reply.isSuccess() && reply.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
          leaderView = reply;
        }
      } catch (IOException | RuntimeException e) {
        // A member that is down answers with an I/O error, or gRPC's own unchecked one.
        reachable.put(peer.nodeId(), false);
      }
    }
    Map<String, Member> members = new LinkedHashMap<>();
    if (leaderView == null) {
      group.peers().forEach(p -> members.put(p.nodeId(), new Member(p.nodeId(), reachable.get(p.nodeId()), -1, -1)));
      return new GroupStatus(Optional.empty(), -1, members);
    }
    RoleInfoProto role = leaderView.getRoleInfoProto();
    String leaderId = role.getSelf().getId().toStringUtf8();
    long commit = leaderView.getCommitInfos().stream()
        .filter(c -> c.getServer().getId().toStringUtf8().equals(leaderId))
        .mapToLong(CommitInfoProto::getCommitIndex).findFirst().orElse(-1);
    Map<String, Long> lastContact = new LinkedHashMap<>();
    for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
      lastContact.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
    }
    Map<String, Long> commitOf = new LinkedHashMap<>();
    leaderView.getCommitInfos().forEach(c -> commitOf.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex()));
    for (ReplicaPeer p : group.peers()) {
      if (p.nodeId().equals(leaderId)) {
        members.put(p.nodeId(), new Member(p.nodeId(), true, commit, 0));
      } else if (lastContact.containsKey(p.nodeId())) {
        members.put(p.nodeId(), new Member(p.nodeId(), reachable.get(p.nodeId()), commitOf.getOrDefault(p.nodeId(), -1L),
            lastContact.get(p.nodeId())));
      } else {
        members.put(p.nodeId(), new Member(p.nodeId(), reachable.get(p.nodeId()), -1, -1));
      }
    }
    return new GroupStatus(Optional.of(leaderId), commit, members);
  }
}
