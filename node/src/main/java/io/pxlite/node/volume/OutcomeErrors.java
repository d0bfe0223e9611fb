package io.pxlite.node.volume;

import io.pxlite.journal.JournalException;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.nbd.NbdError;
import io.pxlite.nbd.NbdException;
import io.pxlite.store.ChecksumMismatchException;
import io.pxlite.store.NoSuchVolumeException;
import io.pxlite.store.OutOfRangeException;
import java.util.concurrent.CompletionException;

/** Translates what the log and the store report into the NBD errors a client sees. */
public final class OutcomeErrors {
  private OutcomeErrors() {}

  /** Throws the NBD error for a non-OK outcome; returns quietly for OK. */
  public static void check(EventOutcome outcome, String export) {
    if (outcome.isOk()) {
      return;
    }
    NbdError error = switch (outcome.code()) {
      case OUT_OF_RANGE -> NbdError.EINVAL;
      case NO_SPACE -> NbdError.ENOSPC;
      case READ_ONLY -> NbdError.EPERM;
      default -> NbdError.EIO;
    };
    throw new NbdException(error, export + ": " + outcome.code() + ": " + outcome.message());
  }

  /** The NBD error for a failed submission or read. */
  public static NbdException translate(Throwable failure, String export) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (t instanceof NbdException e) {
      return e;
    }
    if (t instanceof OutOfRangeException) {
      return new NbdException(NbdError.EINVAL, export + ": " + t.getMessage(), t);
    }
    if (t instanceof ChecksumMismatchException || t instanceof NoSuchVolumeException || t instanceof JournalException) {
      return new NbdException(NbdError.EIO, export + ": " + t.getMessage(), t);
    }
    return new NbdException(NbdError.EIO, export + ": " + t, t);
  }
}
