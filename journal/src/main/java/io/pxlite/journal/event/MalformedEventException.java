package io.pxlite.journal.event;

/** Log-entry bytes that do not decode to an event: a bug or a newer format, never applied. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message) {
    super(message);
  }

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
