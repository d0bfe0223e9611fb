package io.pxlite.node.attach;

/**
 * Attaching, formatting, mounting or their undoing failed, or was refused. The message is written
 * for the person at the terminal (pxctl or Docker): what failed, on which volume, and the tool's own
 * words where a host command failed.
 */
public class AttachException extends RuntimeException {
  private final boolean conflict;

  public AttachException(String message) {
    this(message, false);
  }

  private AttachException(String message, boolean conflict) {
    super(message);
    this.conflict = conflict;
  }

  public AttachException(String message, Throwable cause) {
    super(message, cause);
    this.conflict = false;
  }

  /** A refusal because of the volume's state elsewhere (attached on another node, still mounted). */
  public static AttachException conflict(String message) {
    return new AttachException(message, true);
  }

  public boolean isConflict() {
    return conflict;
  }
}
