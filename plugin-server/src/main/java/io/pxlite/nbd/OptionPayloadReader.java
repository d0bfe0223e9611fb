package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one option's data, refusing anything that would read past its end: every
 * length in an option comes from the client and is checked before it is trusted.
 */
final class OptionPayloadReader {
  private final ByteBuf data;
  private final String option;

  OptionPayloadReader(ByteBuf data, int option) {
    this.data = data;
    this.option = NbdProtocol.optionName(option);
  }

  int readUnsignedShort(String field) {
    require(2, field);
    return data.readUnsignedShort();
  }

  long readUnsignedInt(String field) {
    require(4, field);
    return data.readUnsignedInt();
  }

  /** A string of {@code length} bytes: valid UTF-8, no NUL, at most 4096 bytes (spec "strings"). */
  String readString(long length, String field) {
    if (length > NbdProtocol.MAX_STRING_BYTES) {
      throw malformed(field + " is " + length + " bytes, longer than " + NbdProtocol.MAX_STRING_BYTES);
    }
    require(length, field);
    ByteBuffer bytes = data.nioBuffer(data.readerIndex(), (int) length);
    data.skipBytes((int) length);
    String value;
    try {
      value = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed(field + " is not valid UTF-8");
    }
    if (value.indexOf('\0') >= 0) {
      throw malformed(field + " contains NUL");
    }
    return value;
  }

  void requireEnd() {
    if (data.isReadable()) {
      throw malformed(data.readableBytes() + " unexpected trailing bytes");
    }
  }

  private void require(long bytes, String field) {
    if (data.readableBytes() < bytes) {
      throw malformed(field + " needs " + bytes + " bytes but only " + data.readableBytes() + " remain");
    }
  }

  private MalformedOptionException malformed(String detail) {
    return new MalformedOptionException(option + ": " + detail);
  }
}
