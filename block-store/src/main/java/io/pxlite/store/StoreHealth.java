package io.pxlite.store;

import java.io.IOException;

/**
 * Whether the store may still be used: closed stores refuse everything, and a store whose device
 * sync failed refuses further changes and checkpoints, because it can no longer promise that its
 * durable index points only at durable data.
 */
final class StoreHealth {
  private volatile boolean closed;
  private volatile StoreIOException failure;

  void closed() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  void failed(IOException cause) {
    if (failure == null) {
      failure = new StoreIOException("a device sync failed, so this store no longer accepts changes: " + cause.getMessage(), cause);
    }
  }

  boolean hasFailed() {
    return failure != null;
  }

  void checkOpen() {
    if (closed) {
      throw new StoreException("the block store is closed");
    }
  }

  /** @throws StoreIOException if a device sync failed earlier */
  void checkWritable() {
    checkOpen();
    StoreIOException f = failure;
    if (f != null) {
      throw new StoreIOException(f.getMessage(), f);
    }
  }
}
