package io.pxlite.nbd;

/**
 * The numbers the NBD protocol assigns (doc/proto.md of NetworkBlockDevice/nbd): magics, option and
 * reply types, flags, commands, and the size constraints this server advertises.
 */
final class NbdProtocol {
  private NbdProtocol() {}

  // Magics.
  static final long NBDMAGIC = 0x4e42444d41474943L;
  static final long IHAVEOPT = 0x49484156454F5054L;
  static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
  static final int REQUEST_MAGIC = 0x25609513;
  static final int SIMPLE_REPLY_MAGIC = 0x67446698;
  static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

  // Handshake flags (server) and client flags.
  static final int FLAG_FIXED_NEWSTYLE = 1;
  static final int FLAG_NO_ZEROES = 1 << 1;
  static final int FLAG_C_FIXED_NEWSTYLE = 1;
  static final int FLAG_C_NO_ZEROES = 1 << 1;

  // Options.
  static final int OPT_EXPORT_NAME = 1;
  static final int OPT_ABORT = 2;
  static final int OPT_LIST = 3;
  static final int OPT_STARTTLS = 5;
  static final int OPT_INFO = 6;
  static final int OPT_GO = 7;
  static final int OPT_STRUCTURED_REPLY = 8;
  static final int OPT_LIST_META_CONTEXT = 9;
  static final int OPT_SET_META_CONTEXT = 10;
  static final int OPT_EXTENDED_HEADERS = 11;

  // Option reply types; errors have bit 31 set.
  static final int REP_ACK = 1;
  static final int REP_SERVER = 2;
  static final int REP_INFO = 3;
  static final int REP_META_CONTEXT = 4;
  static final int REP_ERR_UNSUP = 0x80000001;
  static final int REP_ERR_POLICY = 0x80000002;
  static final int REP_ERR_INVALID = 0x80000003;
  static final int REP_ERR_UNKNOWN = 0x80000006;
  static final int REP_ERR_TOO_BIG = 0x80000009;

  // NBD_REP_INFO types.
  static final int INFO_EXPORT = 0;
  static final int INFO_NAME = 1;
  static final int INFO_DESCRIPTION = 2;
  static final int INFO_BLOCK_SIZE = 3;

  // Transmission flags.
  static final int TFLAG_HAS_FLAGS = 1;
  static final int TFLAG_READ_ONLY = 1 << 1;
  static final int TFLAG_SEND_FLUSH = 1 << 2;
  static final int TFLAG_SEND_FUA = 1 << 3;
  static final int TFLAG_SEND_TRIM = 1 << 5;
  static final int TFLAG_SEND_WRITE_ZEROES = 1 << 6;
  static final int TFLAG_SEND_DF = 1 << 7;
  static final int TFLAG_CAN_MULTI_CONN = 1 << 8;
  static final int TFLAG_SEND_CACHE = 1 << 10;
  static final int TFLAG_SEND_FAST_ZERO = 1 << 11;

  // Commands.
  static final int CMD_READ = 0;
  static final int CMD_WRITE = 1;
  static final int CMD_DISC = 2;
  static final int CMD_FLUSH = 3;
  static final int CMD_TRIM = 4;
  static final int CMD_CACHE = 5;
  static final int CMD_WRITE_ZEROES = 6;
  static final int CMD_BLOCK_STATUS = 7;

  // Command flags.
  static final int CMD_FLAG_FUA = 1;
  static final int CMD_FLAG_NO_HOLE = 1 << 1;
  static final int CMD_FLAG_DF = 1 << 2;
  static final int CMD_FLAG_REQ_ONE = 1 << 3;
  static final int CMD_FLAG_FAST_ZERO = 1 << 4;

  // Structured replies.
  static final int REPLY_FLAG_DONE = 1;
  static final int REPLY_TYPE_NONE = 0;
  static final int REPLY_TYPE_OFFSET_DATA = 1;
  static final int REPLY_TYPE_BLOCK_STATUS = 5;
  static final int REPLY_TYPE_ERROR = 0x8001;

  // base:allocation status flags.
  static final int STATE_HOLE = 1;
  static final int STATE_ZERO = 1 << 1;

  // Size constraints advertised with NBD_INFO_BLOCK_SIZE (the spec's defaults).
  static final int MIN_BLOCK_SIZE = 1;
  static final int PREFERRED_BLOCK_SIZE = 4096;
  static final int MAX_PAYLOAD = 32 * 1024 * 1024;

  /** The longest string (export name, query, message) the spec allows. */
  static final int MAX_STRING_BYTES = 4096;

  /** A message cut to the spec's string limit: 1024 chars encode to at most 4096 UTF-8 bytes. */
  static String displayable(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1024);
  }

  static String commandName(int type) {
    return switch (type) {
      case CMD_READ -> "NBD_CMD_READ";
      case CMD_WRITE -> "NBD_CMD_WRITE";
      case CMD_DISC -> "NBD_CMD_DISC";
      case CMD_FLUSH -> "NBD_CMD_FLUSH";
      case CMD_TRIM -> "NBD_CMD_TRIM";
      case CMD_CACHE -> "NBD_CMD_CACHE";
      case CMD_WRITE_ZEROES -> "NBD_CMD_WRITE_ZEROES";
      case CMD_BLOCK_STATUS -> "NBD_CMD_BLOCK_STATUS";
      default -> "command " + type;
    };
  }

  static String optionName(int option) {
    return switch (option) {
      case OPT_EXPORT_NAME -> "NBD_OPT_EXPORT_NAME";
      case OPT_ABORT -> "NBD_OPT_ABORT";
      case OPT_LIST -> "NBD_OPT_LIST";
      case OPT_STARTTLS -> "NBD_OPT_STARTTLS";
      case OPT_INFO -> "NBD_OPT_INFO";
      case OPT_GO -> "NBD_OPT_GO";
      case OPT_STRUCTURED_REPLY -> "NBD_OPT_STRUCTURED_REPLY";
      case OPT_LIST_META_CONTEXT -> "NBD_OPT_LIST_META_CONTEXT";
      case OPT_SET_META_CONTEXT -> "NBD_OPT_SET_META_CONTEXT";
      case OPT_EXTENDED_HEADERS -> "NBD_OPT_EXTENDED_HEADERS";
      default -> "option " + Integer.toUnsignedString(option);
    };
  }
}
