package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.membership.ReplicaGroups;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Submits a management event to a volume's replica group and waits for its outcome, turning a group
 * that does not commit, and an event the store refused, into {@link ApiException}s for the user.
 */
final class GroupEvents {
  private static final long EVENT_DEADLINE_SECONDS = 30;

  private final ReplicaGroups groups;

  GroupEvents(ReplicaGroups groups) {
    this.groups = groups;
  }

  /** The event's outcome, committed through {@code v}'s group; {@code what} names it in errors. */
  EventOutcome submit(VolumeRecord v, VolumeEvent event, String what) {
    return await(groups.logOf(v).submit(event), what);
  }

  /** Waits for {@code submission}; an outcome other than ok is an error. */
  static void commit(CompletableFuture<EventOutcome> submission, String what) {
    EventOutcome outcome = await(submission, what);
    if (!outcome.isOk()) {
      throw failed(what, outcome);
    }
  }

  private static EventOutcome await(CompletableFuture<EventOutcome> submission, String what) {
    try {
      return submission.get(EVENT_DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw ApiException.unavailable(what + ": the replica group did not commit within " + EVENT_DEADLINE_SECONDS + "s", e);
    } catch (ExecutionException e) {
      throw ApiException.unavailable(what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable(what + ": interrupted", e);
    }
  }

  /** The error for an event the store refused, with the status its reason calls for. */
  static ApiException failed(String what, EventOutcome outcome) {
    int status = switch (outcome.code()) {
      case NO_SPACE, REPLICA_UNHEALTHY, IO_ERROR -> 507;
      case NO_SUCH_VOLUME -> 404;
      case ALREADY_EXISTS -> 409;
      default -> 400;
    };
    return new ApiException(status, what + " failed: " + outcome.message());
  }
}
