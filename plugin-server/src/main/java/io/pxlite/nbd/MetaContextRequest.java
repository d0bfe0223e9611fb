package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of {@code NBD_OPT_LIST_META_CONTEXT} / {@code NBD_OPT_SET_META_CONTEXT}, and which of the
 * contexts this server knows it names. The only context is {@code base:allocation}.
 */
record MetaContextRequest(String exportName, List<String> queries) {
  static final String BASE_ALLOCATION = "base:allocation";

  /** The id {@code NBD_OPT_SET_META_CONTEXT} hands out for base:allocation; opaque to clients. */
  static final int ALLOCATION_CONTEXT_ID = 1;

  /** @throws MalformedOptionException if the lengths do not add up to exactly the option's data */
  static MetaContextRequest parse(int option, ByteBuf data) {
    OptionPayloadReader reader = new OptionPayloadReader(data, option);
    long nameLength = reader.readUnsignedInt("export name length");
    String name = reader.readString(nameLength, "export name");
    long count = reader.readUnsignedInt("query count");
    List<String> queries = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      // Each query costs at least 4 bytes, so the option length cap bounds this loop.
      long queryLength = reader.readUnsignedInt("length of query " + i);
      queries.add(reader.readString(queryLength, "query " + i));
    }
    reader.requireEnd();
    return new MetaContextRequest(name, List.copyOf(queries));
  }

  /**
   * Contexts to list: all of them for an empty query list; otherwise those matched by a query, where
   * {@code base:} is the namespace wildcard. Queries in other namespaces are ignored, as required.
   */
  List<String> listedContexts() {
    boolean matched = queries.isEmpty()
        || queries.stream().anyMatch(q -> q.equals("base:") || q.equals(BASE_ALLOCATION));
    return matched ? List.of(BASE_ALLOCATION) : List.of();
  }

  /** Selection takes exact names only: the spec says {@code base:} MUST be ignored when setting. */
  boolean selectsAllocation() {
    return queries.contains(BASE_ALLOCATION);
  }
}
