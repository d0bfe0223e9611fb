package io.pxlite.store;

import io.pxlite.store.device.DeviceIOException;
import java.io.IOException;

/**
 * Whether the store may still be used: closed stores refuse everything, and a store whose device
 * sync or slot write failed refuses further changes and checkpoints, because it can no longer promise
 * that its durable index points only at durable data. The failure is store-wide, not per device: the
 * one index of the node holds entries for every device, and any later flush of it would make durable
 * the entries that point at the failed device's lost writes.
 */
final class StoreHealth {
  private volatile boolean closed;
  private volatile StoreFailure failure;
  private volatile StoreIOException error;
  private final java.util.List<java.util.function.Consumer<StoreFailure>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  void closed() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** Records the first failure; later ones change nothing (the store already refuses changes). */
  synchronized void failed(IOException cause) {
    if (failure != null) {
      return;
    }
    String reason = "a device failed, so this store no longer accepts changes: " + cause.getMessage();
    error = new StoreIOException(reason, cause);
    failure = cause instanceof DeviceIOException d
        ? new StoreFailure(d.device(), d.deviceId(), reason)
        : new StoreFailure(null, null, reason);
    for (java.util.function.Consumer<StoreFailure> l : listeners) {
      l.accept(failure);
    }
  }

  /**
   * {@code listener} hears of the first failure once (at once if the store already failed).
   *
   * @return what stops it hearing
   */
  synchronized Runnable whenFailed(java.util.function.Consumer<StoreFailure> listener) {
    listeners.add(listener);
    if (failure != null) {
      listener.accept(failure);
    }
    return () -> listeners.remove(listener);
  }

  boolean hasFailed() {
    return failure != null;
  }

  /** The failure, or null while the store is healthy. */
  StoreFailure failure() {
    return failure;
  }

  void checkOpen() {
    if (closed) {
      throw new StoreException("the block store is closed");
    }
  }

  /** @throws StoreIOException if a device failed earlier */
  void checkWritable() {
    checkOpen();
    StoreIOException f = error;
    if (f != null) {
      throw new StoreIOException(f.getMessage(), f);
    }
  }
}
