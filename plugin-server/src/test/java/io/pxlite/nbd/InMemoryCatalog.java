package io.pxlite.nbd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The exports of a test, by name. */
final class InMemoryCatalog implements NbdExportCatalog {
  private final Map<String, InMemoryExport> exports = new LinkedHashMap<>();
  /** Names whose export cannot be opened now, with why (a replica group that does not answer). */
  private final Map<String, String> unavailable = new java.util.concurrent.ConcurrentHashMap<>();

  InMemoryCatalog add(InMemoryExport export) {
    exports.put(export.name(), export);
    return this;
  }

  InMemoryExport get(String name) {
    return exports.get(name);
  }

  InMemoryCatalog unavailable(String name, String why) {
    unavailable.put(name, why);
    return this;
  }

  @Override
  public Optional<NbdExport> find(String name) {
    String why = unavailable.get(name);
    if (why != null) {
      throw new NbdException(NbdError.EIO, why);
    }
    return Optional.ofNullable(exports.get(name));
  }

  @Override
  public List<String> names() {
    return List.copyOf(exports.keySet());
  }

  void closeAll() {
    exports.values().forEach(InMemoryExport::close);
  }
}
