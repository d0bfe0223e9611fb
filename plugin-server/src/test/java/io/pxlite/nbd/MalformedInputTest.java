package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input no real client sends: each case checks the documented answer (an error reply, or a hard
 * disconnect where the stream cannot be trusted) and that a well-behaved client is still served.
 */
@ExtendWith(NettyLeakCheck.class)
class MalformedInputTest {
  @TempDir Path dir;
  private ServedExports served;

  @BeforeEach
  void start() {
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @Test
  void garbageInsteadOfClientFlagsClosesTheConnection() {
    try (RawNbdClient client = RawNbdClient.connect(served.socket())) {
      client.readGreeting();
      client.send(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      assertThat(client.readUntilClosed()).as("reply to garbage").isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void clientWithoutFixedNewstyleIsDisconnected() {
    try (RawNbdClient client = RawNbdClient.connect(served.socket())) {
      client.readGreeting();
      client.sendInt(0);
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void unknownClientFlagsAreDisconnected() {
    try (RawNbdClient client = RawNbdClient.connect(served.socket())) {
      client.readGreeting();
      client.sendInt(FLAG_C_FIXED_NEWSTYLE | 1 << 7);
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void badOptionMagicClosesTheConnection() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.send(ByteBuffer.allocate(16).putLong(0x1122334455667788L).putInt(OPT_LIST).putInt(0).flip());
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void oversizedOptionIsRefusedWithTooBigThenClosed() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      // Announce 1 GiB of option data and send none: the server must answer without waiting for it.
      client.send(ByteBuffer.allocate(16).putLong(IHAVEOPT).putInt(OPT_GO).putInt(1 << 30).flip());
      RawNbdClient.OptionReplyFrame reply = client.readOptionReply();
      assertThat(reply.option()).isEqualTo(OPT_GO);
      assertThat(reply.type()).isEqualTo(REP_ERR_TOO_BIG);
      assertThat(new String(reply.data(), StandardCharsets.UTF_8)).contains("1073741824 bytes exceeds");
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void badRequestMagicClosesTheConnection() {
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.send(ByteBuffer.allocate(28).putInt(0xdeadbeef).putShort((short) 0).putShort((short) CMD_READ)
          .putLong(1).putLong(0).putInt(512).flip());
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void writeOverTheMaximumPayloadIsSkippedAndRefusedAndTheStreamStaysInSync() {
    int length = MAX_PAYLOAD + 1;
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.sendRequest(0, CMD_WRITE, 1, 0, length);
      client.send(ByteBuffer.allocate(length));
      client.sendRequest(0, CMD_READ, 2, 0, 512);

      RawNbdClient.ReplyFrame write = client.readReply(0);
      assertThat(write.cookie()).isEqualTo(1);
      assertThat(write.errorCode()).isEqualTo(NbdError.EINVAL.code());
      RawNbdClient.ReplyFrame read = client.readReply(512);
      assertThat(read.cookie()).isEqualTo(2);
      assertThat(read.errorCode()).isZero();
    }
    assertThat(served.volume().writes.get()).as("writes reaching the export").isZero();
    served.assertStillServes();
  }

  @Test
  void unknownCommandIsEinvalAndTheConnectionGoesOn() {
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", true, false)) {
      client.sendRequest(0, 42, 1, 0, 0);
      RawNbdClient.ReplyFrame reply = client.readReply(0);
      assertThat(reply.cookie()).isEqualTo(1);
      assertThat(reply.type()).isEqualTo(REPLY_TYPE_ERROR);
      assertThat(reply.errorCode()).isEqualTo(NbdError.EINVAL.code());
      assertThat(reply.errorMessage()).isEqualTo("unknown command 42");

      client.sendRequest(0, CMD_FLUSH, 2, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
    served.assertStillServes();
  }

  @Test
  void unknownCommandFlagsAreEinval() {
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.sendRequest(1 << 9, CMD_READ, 1, 0, 512);
      assertThat(client.readReply(512).errorCode()).isEqualTo(NbdError.EINVAL.code());
      // DF is valid only once structured replies were negotiated.
      client.sendRequest(CMD_FLAG_DF, CMD_READ, 2, 0, 512);
      assertThat(client.readReply(512).errorCode()).isEqualTo(NbdError.EINVAL.code());
      // REQ_ONE belongs to BLOCK_STATUS, not WRITE: refused, and the payload still consumed.
      client.sendWrite(CMD_FLAG_REQ_ONE, 3, 0, new byte[512]);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
      client.sendRequest(0, CMD_READ, 4, 0, 512);
      assertThat(client.readReply(512).errorCode()).isZero();
    }
    served.assertStillServes();
  }

  @Test
  void clientVanishingMidRequestDisturbsNobody() {
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.sendRequest(0, CMD_WRITE, 1, 0, 1 << 20);
      client.send(ByteBuffer.allocate(1000));
    }
    served.assertStillServes();
    assertThat(served.volume().writes.get()).isZero();
  }

  @Test
  void aBadClientDoesNotDisturbAConnectionAlreadyInUse() {
    try (RawNbdClient good = RawNbdClient.transmitting(served.socket(), "vol", true, false)) {
      good.sendWrite(0, 1, 0, new byte[] {1, 2, 3});
      assertThat(good.readReply(0).errorCode()).isZero();
      for (int flags : new int[] {0, 0xffff, FLAG_C_NO_ZEROES}) {
        try (RawNbdClient bad = RawNbdClient.connect(served.socket())) {
          bad.readGreeting();
          bad.sendInt(flags);
          assertThat(bad.readUntilClosed()).isEmpty();
        }
      }
      try (RawNbdClient bad = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
        bad.send(ByteBuffer.wrap(new byte[64]));
        assertThat(bad.readUntilClosed()).isEmpty();
      }
      good.sendRequest(0, CMD_READ, 2, 0, 3);
      RawNbdClient.ReplyFrame read = good.readReply(0);
      assertThat(read.cookie()).isEqualTo(2);
      ByteBuffer data = read.buffer().position(8);
      assertThat(new byte[] {data.get(), data.get(), data.get()}).containsExactly(1, 2, 3);
    }
  }

  @Test
  void optionsAfterGoAreAProtocolViolation() {
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      client.sendOption(OPT_LIST, new byte[0]);
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }
}
