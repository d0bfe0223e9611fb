package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export whose look-up takes long (a node asking etcd, or a replica group for the volume's size)
 * holds up only its own connection: the event loops go on serving everyone else, and what the slow
 * connection sent meanwhile is answered in order once the look-up returns.
 */
@ExtendWith(NettyLeakCheck.class)
class SlowExportLookupTest {
  private static final String SLOW = "slow";

  @TempDir Path dir;
  private ServedExports served;
  private CountDownLatch gate;

  @BeforeEach
  void start() {
    served = new ServedExports(dir);
    served.catalog.add(new InMemoryExport(SLOW, 1 << 20, false));
    gate = served.catalog.gate(SLOW);
  }

  @AfterEach
  void stop() {
    gate.countDown();
    served.close();
  }

  @Test
  void othersNegotiateAndTransmitWhileALookupHangs() {
    try (RawNbdClient before = RawNbdClient.transmitting(served.socket(), ServedExports.VOLUME, false, false);
        RawNbdClient slow = RawNbdClient.negotiating(served.socket(), true)) {
      slow.sendOption(OPT_GO, RawNbdClient.goData(SLOW));
      // More connections than event loops: some share the slow one's loop.
      for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors() + 2; i++) {
        served.assertStillServes();
      }
      before.sendRequest(0, CMD_FLUSH, 3, 0, 0);
      assertThat(before.readReply(0).errorCode()).as("a connection in transmission").isZero();

      gate.countDown();
      assertThat(readUntilFinal(slow)).extracting(RawNbdClient.OptionReplyFrame::type)
          .containsExactly(REP_INFO, REP_INFO, REP_ACK);
      slow.sendRequest(0, CMD_FLUSH, 4, 0, 0);
      assertThat(slow.readReply(0).errorCode()).isZero();
    }
  }

  @Test
  void optionsAndRequestsSentBehindASlowLookupAreAnsweredInOrder() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      // One write: INFO on the slow export, GO on an unknown one, GO on the slow one, then a read.
      ByteBuffer burst = ByteBuffer.allocate(4096);
      burst.put(option(OPT_INFO, RawNbdClient.goData(SLOW)));
      burst.put(option(OPT_GO, RawNbdClient.goData("nope")));
      burst.put(option(OPT_GO, RawNbdClient.goData(SLOW)));
      burst.putInt(REQUEST_MAGIC).putShort((short) 0).putShort((short) CMD_READ).putLong(9).putLong(0).putInt(512);
      client.send(burst.flip());

      gate.countDown();
      List<RawNbdClient.OptionReplyFrame> info = readUntilFinal(client);
      assertThat(info).extracting(RawNbdClient.OptionReplyFrame::option).containsOnly(OPT_INFO);
      assertThat(info).last().extracting(RawNbdClient.OptionReplyFrame::type).isEqualTo(REP_ACK);
      RawNbdClient.OptionReplyFrame unknown = client.readOptionReply();
      assertThat(unknown.option()).isEqualTo(OPT_GO);
      assertThat(new String(unknown.data(), StandardCharsets.UTF_8)).isEqualTo("no export named 'nope'");
      assertThat(readUntilFinal(client)).extracting(RawNbdClient.OptionReplyFrame::type)
          .containsExactly(REP_INFO, REP_INFO, REP_ACK);
      RawNbdClient.ReplyFrame read = client.readReply(512);
      assertThat(read.cookie()).isEqualTo(9);
      assertThat(read.errorCode()).isZero();
      assertThat(read.payload()).hasSize(512).containsOnly(0);
    }
  }

  @Test
  void aClientThatLeavesDuringALookupCostsNothing() {
    RawNbdClient gone = RawNbdClient.negotiating(served.socket(), true);
    gone.sendOption(OPT_GO, RawNbdClient.goData(SLOW));
    gone.sendOption(OPT_STRUCTURED_REPLY, new byte[0]);
    gone.close();
    gate.countDown();
    served.assertStillServes();
  }

  private static byte[] option(int option, byte[] data) {
    return ByteBuffer.allocate(16 + data.length).putLong(IHAVEOPT).putInt(option).putInt(data.length).put(data).array();
  }

  private static List<RawNbdClient.OptionReplyFrame> readUntilFinal(RawNbdClient client) {
    List<RawNbdClient.OptionReplyFrame> replies = new ArrayList<>();
    while (true) {
      RawNbdClient.OptionReplyFrame reply = client.readOptionReply();
      replies.add(reply);
      if (reply.type() != REP_INFO && reply.type() != REP_META_CONTEXT && reply.type() != REP_SERVER) {
        return replies;
      }
    }
  }
}
