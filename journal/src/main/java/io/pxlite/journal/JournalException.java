package io.pxlite.journal;

/** The Raft layer could not do what was asked (start, join a group, reach a group); the message says which. */
public class JournalException extends RuntimeException {
  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
