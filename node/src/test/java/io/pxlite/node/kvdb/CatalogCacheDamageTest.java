package io.pxlite.node.kvdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged catalog cache must not stop a node: it is only a cache of the kvdb. */
class CatalogCacheDamageTest {
  @Test
  void aDamagedCacheIsTreatedAsEmpty(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("catalog-cache.json");
    // Nothing listens on this port: the catalog must not need the kvdb to load its cache.
    try (Kvdb kvdb = new Kvdb(List.of(URI.create("http://127.0.0.1:1")))) {
      for (String damage : new String[] {"", "{\"volumes\":[{\"name\":", "\u0000\u0000"}) {
        Files.writeString(cache, damage);
        ClusterCatalog catalog = new ClusterCatalog(kvdb, "c1", cache);
        assertThat(catalog.hasCachedRecords()).as("damage %s", damage).isFalse();
        assertThat(catalog.cachedVolumes()).isEmpty();
      }
      Files.writeString(cache, "{\"volumes\":[],\"snapshots\":[]}");
      assertThat(new ClusterCatalog(kvdb, "c1", cache).hasCachedRecords()).isFalse();
    }
  }
}
