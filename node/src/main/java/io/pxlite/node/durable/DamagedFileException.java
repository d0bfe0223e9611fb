package io.pxlite.node.durable;

import java.io.IOException;
import java.nio.file.Path;

/** A state file that exists but cannot be used: empty (a write that never reached the disk) or unparsable. */
public final class DamagedFileException extends IOException {
  private final Path file;
  private final String reason;

  public DamagedFileException(Path file, String reason, Throwable cause) {
    super(file + " is damaged: " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  public String reason() {
    return reason;
  }
}
