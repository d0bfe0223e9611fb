package io.pxlite.nbd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The exports of a test, by name. */
final class InMemoryCatalog implements NbdExportCatalog {
  private final Map<String, InMemoryExport> exports = new LinkedHashMap<>();

  InMemoryCatalog add(InMemoryExport export) {
    exports.put(export.name(), export);
    return this;
  }

  InMemoryExport get(String name) {
    return exports.get(name);
  }

  @Override
  public Optional<NbdExport> find(String name) {
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
