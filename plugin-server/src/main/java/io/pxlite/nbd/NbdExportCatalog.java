package io.pxlite.nbd;

import java.util.List;
import java.util.Optional;

/** The exports a node serves, by name (volume name or snapshot name). Implemented by the node. */
public interface NbdExportCatalog {
  /**
   * The export of that name, or empty if there is none. May block (the server calls it off its event
   * loops); throws, with a message for the client, when the export exists but cannot be opened now.
   */
  Optional<NbdExport> find(String name);

  /** Export names for NBD_OPT_LIST. */
  List<String> names();
}
