package io.pxlite.nbd;

import java.util.List;
import java.util.Optional;

/** The exports a node serves, by name (volume name or snapshot name). Implemented by the node. */
public interface NbdExportCatalog {
  Optional<NbdExport> find(String name);

  /** Export names for NBD_OPT_LIST. */
  List<String> names();
}
