package io.pxlite.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One fixed-newstyle option reply: the option it answers, the reply type and its data. Replies are
 * small (the largest is an export name), so the data is a plain array.
 */
record OptionReply(int option, int type, byte[] data) {

  static OptionReply ack(int option) {
    return new OptionReply(option, NbdProtocol.REP_ACK, new byte[0]);
  }

  /** An error reply; the message is for a human and must obey the spec's string limits. */
  static OptionReply error(int option, int type, String message) {
    return new OptionReply(option, type, utf8(NbdProtocol.displayable(message)));
  }

  static OptionReply server(int option, String exportName) {
    byte[] name = utf8(exportName);
    return new OptionReply(option, NbdProtocol.REP_SERVER,
        ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).array());
  }

  static OptionReply infoExport(int option, long sizeBytes, int transmissionFlags) {
    return new OptionReply(option, NbdProtocol.REP_INFO,
        ByteBuffer.allocate(12)
            .putShort((short) NbdProtocol.INFO_EXPORT)
            .putLong(sizeBytes)
            .putShort((short) transmissionFlags)
            .array());
  }

  static OptionReply infoString(int option, int infoType, String value) {
    byte[] bytes = utf8(value);
    return new OptionReply(option, NbdProtocol.REP_INFO,
        ByteBuffer.allocate(2 + bytes.length).putShort((short) infoType).put(bytes).array());
  }

  static OptionReply infoBlockSize(int option) {
    return new OptionReply(option, NbdProtocol.REP_INFO,
        ByteBuffer.allocate(14)
            .putShort((short) NbdProtocol.INFO_BLOCK_SIZE)
            .putInt(NbdProtocol.MIN_BLOCK_SIZE)
            .putInt(NbdProtocol.PREFERRED_BLOCK_SIZE)
            .putInt(NbdProtocol.MAX_PAYLOAD)
            .array());
  }

  static OptionReply metaContext(int option, int contextId, String contextName) {
    byte[] name = utf8(contextName);
    return new OptionReply(option, NbdProtocol.REP_META_CONTEXT,
        ByteBuffer.allocate(4 + name.length).putInt(contextId).put(name).array());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
