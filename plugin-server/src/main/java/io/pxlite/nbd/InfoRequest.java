package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import java.util.HashSet;
import java.util.Set;

/** The data of {@code NBD_OPT_INFO} / {@code NBD_OPT_GO}: an export name and the information asked for. */
record InfoRequest(String exportName, Set<Integer> requestedInfo) {

  /** @throws MalformedOptionException if the lengths do not add up to exactly the option's data */
  static InfoRequest parse(int option, ByteBuf data) {
    OptionPayloadReader reader = new OptionPayloadReader(data, option);
    long nameLength = reader.readUnsignedInt("export name length");
    String name = reader.readString(nameLength, "export name");
    int count = reader.readUnsignedShort("information request count");
    Set<Integer> requested = new HashSet<>();
    for (int i = 0; i < count; i++) {
      // Duplicates are a client error the spec does not ask us to punish; a set absorbs them.
      requested.add(reader.readUnsignedShort("information request " + i));
    }
    reader.requireEnd();
    return new InfoRequest(name, Set.copyOf(requested));
  }

  boolean asks(int infoType) {
    return requestedInfo.contains(infoType);
  }
}
