package io.pxlite.journal;

import io.pxlite.journal.event.EventCodec;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import com.codahale.metrics.Timer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.server.RaftServer;

/**
 * Batches a group's events into log entries and submits them, in order, with the resends a leader
 * change or a membership change calls for. The returned outcome arrives after the group has
 * committed the event and applied it, so a successful outcome means durable and readable.
 *
 * <p>Group commit: events submitted while {@link #MAX_BATCHES_IN_FLIGHT} entries are already on
 * their way wait in a queue and go out together as one {@link VolumeEvent.Batch} entry. A Raft
 * round trip costs far more than appending a few more kilobytes to an entry, so under load many
 * writes share one log append, one fsync and one reply; an idle log sends each event at once.
 *
 * <p>Entries go straight to this node's own division when it leads the group ({@link
 * LocalLeaderSubmitter}), else through the group's client, which finds the leader. No entry goes one
 * way while entries sent the other way are in flight, so a change of way does not reorder them (an
 * entry resent after a refusal may still land after later ones, as it always could; nothing waits
 * on an order between writes that are in flight together).
 *
 * <p>All batching state is confined to one sender thread per group: Ratis may run reply callbacks
 * while holding its own client locks, so nothing here may hold a lock of ours while calling Ratis.
 */
final class EntrySender implements AutoCloseable {
  /**
   * Entries on their way at once. More keep Ratis' log worker and applier busy while earlier entries
   * are still being synced or applied (repl-1 1 MiB sequential writes QD8 on a local cluster: 158-183
   * MB/s with 2, 249-290 with 8; 4 KiB random writes no worse). The bytes they hold are bounded
   * before they get here: an NBD connection pauses reading past its in-flight budget.
   */
  static final int MAX_BATCHES_IN_FLIGHT = 8;
  /** A leadership handover takes well under a second; this covers a slow one. */
  static final int HANDOVER_RESENDS = 100;
  static final long HANDOVER_RESEND_MILLIS = 100;
  static final int MAX_BATCH_EVENTS = 256;
  /**
   * Up to four full-size events per entry: large sequential writes then share one append and one
   * fsync too. Stays well inside the appender batch and log write buffer (RaftSettings).
   */
  static final int MAX_BATCH_BYTES = 4 * RaftSettings.MAX_EVENT_BYTES;
  private static final int EVENT_OVERHEAD_BYTES = 64;

  private final ReplicaGroup group;
  private final GroupClient clients;
  private final LocalLeaderSubmitter local;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final ExecutorService sender;
  /** Entries sent and not yet answered; touched only on the sender thread. */
  private int inFlight;
  /** Whether the entries in flight went to this node's own division; touched only on the sender thread. */
  private boolean inFlightLocal;
  private final LongAdder sentLocally = new LongAdder();
  private final LongAdder sentThroughClient = new LongAdder();
  private final Timer commitLatency;

  private record Pending(VolumeEvent event, int bytes, long submittedNanos, CompletableFuture<EventOutcome> done) {}

  /** @param commitLatency takes each event's time from submission until the group committed and applied it */
  EntrySender(ReplicaGroup group, GroupClient clients, LocalLeaderSubmitter local, Timer commitLatency) {
    this.commitLatency = commitLatency;
    this.group = group;
    this.clients = clients;
    this.local = local;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "group-log-" + group.streamName().substring(0, 8));
      t.setDaemon(true);
      return t;
    });
  }

  /** The sender thread: where {@link GroupClient#reconnect} runs, for queries too. */
  Executor thread() {
    return sender;
  }

  boolean closed() {
    return sender.isShutdown();
  }

  CompletableFuture<EventOutcome> submit(VolumeEvent event) {
    int bytes = EVENT_OVERHEAD_BYTES + (event instanceof VolumeEvent.Write w ? w.data().remaining() : 0);
    Pending pending = new Pending(event, bytes, System.nanoTime(), new CompletableFuture<>());
    queue.add(pending);
    try {
      sender.execute(this::sendWhileRoom);
    } catch (RejectedExecutionException e) {
      queue.remove(pending);
      pending.done().completeExceptionally(new JournalException("the log of replica group " + group.id() + " is closed", e));
    }
    return pending.done();
  }

  /** Sends queued events while fewer than the limit of entries are in flight. On the sender thread. */
  private void sendWhileRoom() {
    while (inFlight < MAX_BATCHES_IN_FLIGHT && !queue.isEmpty()) {
      Optional<RaftServer.Division> leader = local.readyLeader();
      if (inFlight > 0 && leader.isPresent() != inFlightLocal) {
        break; // the way changed: let what is in flight the other way land first, so order holds
      }
      inFlightLocal = leader.isPresent();
      List<Pending> batch = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_BATCH_EVENTS
          && (batch.isEmpty() || bytes + queue.peek().bytes() <= MAX_BATCH_BYTES)) {
        Pending next = queue.poll();
        bytes += next.bytes();
        batch.add(next);
      }
      inFlight++;
      // One sender thread: entries reach the log in submission order.
      VolumeEvent entry = batch.size() == 1
          ? batch.get(0).event()
          : new VolumeEvent.Batch(batch.stream().map(Pending::event).toList());
      send(batch, entry, 0, leader);
    }
  }

  private void send(List<Pending> batch, VolumeEvent entry, int attempt) {
    send(batch, entry, attempt, local.readyLeader());
  }

  private void send(List<Pending> batch, VolumeEvent entry, int attempt, Optional<RaftServer.Division> leader) {
    if (leader.isPresent()) {
      sentLocally.increment();
      local.submit(leader.get(), Message.valueOf(EventCodec.encode(entry)))
          .whenCompleteAsync((reply, error) -> completed(batch, entry, attempt, null, reply, error), sender);
      return;
    }
    sentThroughClient.increment();
    RaftClient used = clients.current();
    used.async().send(Message.valueOf(EventCodec.encode(entry)))
        .whenCompleteAsync((reply, error) -> completed(batch, entry, attempt, used, reply, error), sender);
  }

  /**
   * A client whose requests reached a node that left the group is useless from then on; the entry is
   * sent again through a client of the current members. It may have been appended already if it was
   * in flight behind the refused one: it then lands twice, which before its acknowledgement changes
   * nothing a client could rely on.
   */
  private boolean resendAfterMembersChanged(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used,
      Throwable cause) {
    if (attempt >= HANDOVER_RESENDS || closed() || !GroupClient.membersChanged(cause) || !clients.reconnect(used)) {
      return false;
    }
    // Spaced like a handover: a member may be between leaving and rejoining (a role change).
    CompletableFuture.delayedExecutor(HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, sender)
        .execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /**
   * A leader handing over (its group's leadership moving to where a volume is attached) refuses new
   * entries before appending them, and Ratis' client does not retry that: so the entry is sent again
   * here, once the new leader can take it. Safe because the refused entry was never in the log.
   */
  private boolean resendAfterHandover(List<Pending> batch, VolumeEvent entry, int attempt, Throwable cause) {
    if (attempt >= HANDOVER_RESENDS
        || !(cause instanceof LeaderSteppingDownException || cause instanceof TransferLeadershipException)) {
      return false;
    }
    CompletableFuture.delayedExecutor(HANDOVER_RESEND_MILLIS, TimeUnit.MILLISECONDS, sender)
        .execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /**
   * This node's division refused an entry because it stopped leading (or is not ready yet after an
   * election): the entry never reached its log, so it goes again, through the client if need be.
   */
  private boolean resendAfterLocalLeadershipLost(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used,
      Throwable cause) {
    if (used != null || attempt >= HANDOVER_RESENDS || !LocalLeaderSubmitter.lostLeadership(cause)) {
      return false;
    }
    sender.execute(() -> send(batch, entry, attempt + 1));
    return true;
  }

  /** @param used the client the entry went through; null when it went to this node's own division */
  private void completed(List<Pending> batch, VolumeEvent entry, int attempt, RaftClient used, RaftClientReply reply,
      Throwable error) {
    Throwable refused = error != null ? GroupClient.unwrap(error) : reply.isSuccess() ? null : reply.getException();
    if (refused != null && (resendAfterLocalLeadershipLost(batch, entry, attempt, used, refused)
        || resendAfterHandover(batch, entry, attempt, refused)
        || resendAfterMembersChanged(batch, entry, attempt, used, refused))) {
      return;
    }
    try {
      if (refused != null) {
        JournalException failure = new JournalException(
            "replica group " + group.id() + " did not commit " + describe(entry) + ": " + refused, refused);
        batch.forEach(p -> p.done().completeExceptionally(failure));
      } else if (batch.size() == 1) {
        recordLatency(batch);
        batch.get(0).done().complete(EventOutcome.decode(reply.getMessage().getContent(), reply.getLogIndex()));
      } else {
        List<EventOutcome> outcomes = EventOutcome.decodeAll(reply.getMessage().getContent(), reply.getLogIndex());
        recordLatency(batch);
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).done().complete(outcomes.get(i));
        }
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(
          new JournalException("replica group " + group.id() + " sent an unreadable reply: " + e, e)));
    } finally {
      inFlight--;
      sendWhileRoom();
    }
  }

  private void recordLatency(List<Pending> batch) {
    long now = System.nanoTime();
    for (Pending p : batch) {
      commitLatency.update(now - p.submittedNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static String describe(VolumeEvent event) {
    if (event instanceof VolumeEvent.Batch b) {
      return "a batch of " + b.events().size() + " events";
    }
    return event.getClass().getSimpleName() + " of " + Long.toUnsignedString(event.targetId(), 16);
  }

  long entriesSentLocally() {
    return sentLocally.sum();
  }

  long entriesSentThroughClient() {
    return sentThroughClient.sum();
  }

  @Override
  public void close() {
    sender.shutdown();
  }
}
