package io.pxlite.journal.event;

import java.nio.charset.StandardCharsets;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * What applying an event did, as the state machine reports it back to the submitter.
 *
 * @param logIndex the log index the event was committed at (set by the submitting side)
 */
public record EventOutcome(Code code, String message, long logIndex) {
  /** Outcomes a submitter must tell apart; each maps to a user-visible error. */
  public enum Code {
    OK,
    OUT_OF_RANGE,
    NO_SUCH_VOLUME,
    ALREADY_EXISTS,
    NO_SPACE,
    READ_ONLY,
    IO_ERROR,
    REPLICA_UNHEALTHY,
    MALFORMED
  }

  public static EventOutcome ok() {
    return new EventOutcome(Code.OK, "", -1);
  }

  public static EventOutcome failed(Code code, String message) {
    return new EventOutcome(code, message, -1);
  }

  public boolean isOk() {
    return code == Code.OK;
  }

  public ByteString encode() {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[1 + text.length];
    out[0] = (byte) code.ordinal();
    System.arraycopy(text, 0, out, 1, text.length);
    return ByteString.copyFrom(out);
  }

  /** The outcomes of a batch's parts, in order: {@code count, then (length, outcome) per part}. */
  public static ByteString encodeAll(java.util.List<EventOutcome> outcomes) {
    ByteString out = ByteString.copyFrom(java.nio.ByteBuffer.allocate(4).putInt(0, outcomes.size()));
    for (EventOutcome o : outcomes) {
      ByteString one = o.encode();
      out = out.concat(ByteString.copyFrom(java.nio.ByteBuffer.allocate(4).putInt(0, one.size()))).concat(one);
    }
    return out;
  }

  public static java.util.List<EventOutcome> decodeAll(ByteString bytes, long logIndex) {
    java.nio.ByteBuffer in = bytes.asReadOnlyByteBuffer();
    int count = in.getInt();
    java.util.List<EventOutcome> outcomes = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.getInt();
      int start = in.position();
      outcomes.add(decode(bytes.substring(start, start + length), logIndex));
      in.position(start + length);
    }
    return outcomes;
  }

  public static EventOutcome decode(ByteString bytes, long logIndex) {
    if (bytes.isEmpty()) {
      return new EventOutcome(Code.MALFORMED, "empty outcome", logIndex);
    }
    int ordinal = bytes.byteAt(0);
    Code[] codes = Code.values();
    Code code = ordinal >= 0 && ordinal < codes.length ? codes[ordinal] : Code.MALFORMED;
    return new EventOutcome(code, bytes.substring(1).toStringUtf8(), logIndex);
  }
}
