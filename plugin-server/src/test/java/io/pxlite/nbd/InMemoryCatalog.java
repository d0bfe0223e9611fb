package io.pxlite.nbd;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The exports of a test, by name; asked from the server's threads, filled from the test's. */
final class InMemoryCatalog implements NbdExportCatalog {
  private final Map<String, InMemoryExport> exports = Collections.synchronizedMap(new LinkedHashMap<>());
  /** Names whose export cannot be opened now, with why (a replica group that does not answer). */
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();
  /** Names whose look-up waits until the test opens the gate (a slow kvdb or replica group). */
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

  InMemoryCatalog add(InMemoryExport export) {
    exports.put(export.name(), export);
    return this;
  }

  InMemoryExport get(String name) {
    return exports.get(name);
  }

  /** Makes looking {@code name} up wait until the returned gate is counted down. */
  CountDownLatch gate(String name) {
    CountDownLatch gate = new CountDownLatch(1);
    gates.put(name, gate);
    return gate;
  }

  InMemoryCatalog unavailable(String name, String why) {
    unavailable.put(name, why);
    return this;
  }

  @Override
  public Optional<NbdExport> find(String name) {
    CountDownLatch gate = gates.get(name);
    if (gate != null) {
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new NbdException(NbdError.EIO, name + ": the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NbdException(NbdError.EIO, name + ": interrupted", e);
      }
    }
    String why = unavailable.get(name);
    if (why != null) {
      throw new NbdException(NbdError.EIO, why);
    }
    return Optional.ofNullable(exports.get(name));
  }

  @Override
  public List<String> names() {
    synchronized (exports) {
      return List.copyOf(exports.keySet());
    }
  }

  void closeAll() {
    synchronized (exports) {
      exports.values().forEach(InMemoryExport::close);
    }
  }
}
