package io.pxlite.node;

import java.nio.file.Path;

/**
 * identity.json is missing or damaged while the data dir holds a store, and the device labels do not
 * say whose store it is either: starting under a new id would orphan every replica on it.
 */
public final class UnrecoverableIdentityException extends RuntimeException {
  private final Path file;

  public UnrecoverableIdentityException(Path file, String why) {
    super("cannot recover the node identity " + file + ": " + why + ". If you know the node id, write " + file
        + " as {\"node_id\":\"<id>\",\"cluster_id\":\"<cluster>\"}; otherwise move the data dir aside and start"
        + " with --force to join as a new node (the volumes' replicas on this node are then lost)");
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
