package io.pxlite.journal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.server.RaftServer;

/**
 * Hands a group's entries straight to this node's own division of the group while that division is
 * the group's ready leader, so a write on the leader's node never leaves the process: no Ratis
 * client, no loopback gRPC, no serialising and parsing the entry again. Anywhere else the caller
 * uses its client, which finds the leader.
 *
 * <p>Requests carry a client id of their own and increasing call ids, as a Ratis client's do, so the
 * leader's retry cache works the same; each request names the calls answered since the previous one
 * so that the cache can forget them at once instead of holding every entry until it expires.
 * Not thread-safe: used on its group log's sender thread only.
 */
final class LocalLeaderSubmitter {
  /** How long to wait before looking again for a division this node does not host. */
  private static final long LOOKUP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RaftGroupId groupId;
  private final Supplier<Optional<RaftServer.Division>> division;
  private final ClientId clientId = ClientId.randomId();
  private final ConcurrentLinkedQueue<Long> replied = new ConcurrentLinkedQueue<>();
  private long nextCallId = 1;
  /** This node's division of the group, once found; dropped when it closes. */
  private RaftServer.Division known;
  private long nextLookupNanos = System.nanoTime();

  /** @param division this node's division of the group, if it hosts one */
  LocalLeaderSubmitter(RaftGroupId groupId, Supplier<Optional<RaftServer.Division>> division) {
    this.groupId = groupId;
    this.division = division;
  }

  /** The division to submit to: this node's, if it leads the group and is ready to take entries. */
  Optional<RaftServer.Division> readyLeader() {
    RaftServer.Division local = known;
    if (local == null || !local.getInfo().isAlive()) {
      // Not hosted here (yet), or closed when the node left the group: look again, at most once a
      // second, as finding it may wait for a division that is still starting.
      known = null;
      long now = System.nanoTime();
      if (now - nextLookupNanos < 0) {
        return Optional.empty();
      }
      nextLookupNanos = now + LOOKUP_INTERVAL_NANOS;
      local = division.get().orElse(null);
      known = local;
      if (local == null) {
        return Optional.empty();
      }
    }
    return local.getInfo().isLeader() && local.getInfo().isLeaderReady() ? Optional.of(local) : Optional.empty();
  }

  /** Submits {@code message} as a write to {@code leader}, a division {@link #readyLeader} returned. */
  CompletableFuture<RaftClientReply> submit(RaftServer.Division leader, Message message) {
    long callId = nextCallId++;
    List<Long> answered = new ArrayList<>();
    for (Long id; (id = replied.poll()) != null; ) {
      answered.add(id);
    }
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(leader.getId())
        .setGroupId(groupId)
        .setCallId(callId)
        .setRepliedCallIds(answered)
        .setMessage(message)
        .setType(RaftClientRequest.writeRequestType())
        .build();
    CompletableFuture<RaftClientReply> reply;
    try {
      // Ratis' division takes client requests itself; its server would first hop to a thread pool
      // and block on it, which buys nothing on this thread of ours.
      reply = leader instanceof RaftClientAsynchronousProtocol direct
          ? direct.submitClientRequestAsync(request)
          : leader.getRaftServer().submitClientRequestAsync(request);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete((r, e) -> replied.add(callId));
  }

  /** Whether a local submission failed only because this division is not (or no longer, or not yet) the leader. */
  static boolean lostLeadership(Throwable cause) {
    return cause instanceof NotLeaderException || cause instanceof LeaderNotReadyException;
  }
}
