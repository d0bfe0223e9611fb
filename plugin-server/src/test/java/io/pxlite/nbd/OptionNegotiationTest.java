package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Fixed-newstyle handshake and option haggling, byte by byte against doc/proto.md. */
@ExtendWith(NettyLeakCheck.class)
class OptionNegotiationTest {
  private static final int VOLUME_FLAGS = TFLAG_HAS_FLAGS | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA | TFLAG_SEND_TRIM
      | TFLAG_SEND_WRITE_ZEROES | TFLAG_CAN_MULTI_CONN | TFLAG_SEND_CACHE | TFLAG_SEND_FAST_ZERO;
  private static final int SNAPSHOT_FLAGS = TFLAG_HAS_FLAGS | TFLAG_READ_ONLY | TFLAG_SEND_FLUSH | TFLAG_SEND_FUA
      | TFLAG_CAN_MULTI_CONN | TFLAG_SEND_CACHE;

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
  void greetingOffersFixedNewstyleAndNoZeroes() {
    try (RawNbdClient client = RawNbdClient.connect(served.socket())) {
      assertThat(client.readGreeting()).isEqualTo(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
    }
  }

  @Test
  void exportNameWithNoZeroesRepliesSizeAndFlagsOnly() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_EXPORT_NAME, "vol".getBytes(StandardCharsets.UTF_8));
      ByteBuffer reply = client.readExactly(10);
      assertThat(reply.getLong()).isEqualTo(ServedExports.VOLUME_SIZE);
      assertThat(reply.getShort() & 0xffff).isEqualTo(VOLUME_FLAGS);
      // Straight into transmission: a read is answered with a simple reply.
      client.sendRequest(0, CMD_READ, 5, 0, 16);
      RawNbdClient.ReplyFrame read = client.readReply(16);
      assertThat(read.structured()).isFalse();
      assertThat(read.cookie()).isEqualTo(5);
    }
  }

  @Test
  void exportNameWithoutNoZeroesPadsWith124Zeroes() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), false)) {
      client.sendOption(OPT_EXPORT_NAME, "snap".getBytes(StandardCharsets.UTF_8));
      ByteBuffer reply = client.readExactly(134);
      assertThat(reply.getLong()).isEqualTo(ServedExports.SNAPSHOT_SIZE);
      assertThat(reply.getShort() & 0xffff).isEqualTo(SNAPSHOT_FLAGS);
      byte[] zeroes = new byte[124];
      reply.get(zeroes);
      assertThat(zeroes).containsOnly(0);
      client.sendRequest(0, CMD_DISC, 1, 0, 0);
      assertThat(client.readUntilClosed()).isEmpty();
    }
  }

  @Test
  void exportNameForAnUnknownExportDisconnects() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_EXPORT_NAME, "nope".getBytes(StandardCharsets.UTF_8));
      assertThat(client.readUntilClosed()).isEmpty();
    }
    served.assertStillServes();
  }

  @Test
  void abortIsAcknowledgedThenClosed() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_ABORT, new byte[0]);
      RawNbdClient.OptionReplyFrame reply = client.readOptionReply();
      assertThat(reply.option()).isEqualTo(OPT_ABORT);
      assertThat(reply.type()).isEqualTo(REP_ACK);
      assertThat(client.readUntilClosed()).isEmpty();
    }
  }

  @Test
  void listNamesEveryExportThenAcks() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_LIST, new byte[0]);
      List<String> names = new ArrayList<>();
      RawNbdClient.OptionReplyFrame reply;
      while ((reply = client.readOptionReply()).type() == REP_SERVER) {
        ByteBuffer data = reply.buffer();
        byte[] name = new byte[data.getInt()];
        data.get(name);
        names.add(new String(name, StandardCharsets.UTF_8));
      }
      assertThat(reply.type()).isEqualTo(REP_ACK);
      assertThat(names).containsExactly("vol", "snap");

      client.sendOption(OPT_LIST, new byte[] {1});
      assertThat(client.readOptionReply().type()).as("LIST with data").isEqualTo(REP_ERR_INVALID);
    }
  }

  @Test
  void infoGivesExportNameDescriptionAndBlockSizeAndStaysInNegotiation() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_INFO, RawNbdClient.goData("snap", INFO_NAME, INFO_DESCRIPTION));
      List<RawNbdClient.OptionReplyFrame> infos = readUntilFinal(client);
      assertThat(infos.get(infos.size() - 1).type()).isEqualTo(REP_ACK);
      assertThat(infos).allMatch(r -> r.option() == OPT_INFO);

      ByteBuffer export = info(infos, INFO_EXPORT);
      assertThat(export.remaining()).isEqualTo(10);
      assertThat(export.getLong()).isEqualTo(ServedExports.SNAPSHOT_SIZE);
      assertThat(export.getShort() & 0xffff).isEqualTo(SNAPSHOT_FLAGS);
      assertThat(string(info(infos, INFO_NAME))).isEqualTo("snap");
      assertThat(string(info(infos, INFO_DESCRIPTION))).isEqualTo("pxlite read-only snapshot snap");
      ByteBuffer blockSize = info(infos, INFO_BLOCK_SIZE);
      assertThat(blockSize.getInt()).isEqualTo(1);
      assertThat(blockSize.getInt()).isEqualTo(4096);
      assertThat(blockSize.getInt()).isEqualTo(32 << 20);

      client.sendOption(OPT_LIST, new byte[0]);
      assertThat(client.readOptionReply().type()).as("still haggling after INFO").isEqualTo(REP_SERVER);
    }
  }

  @Test
  void goWithoutInformationRequestsStillSendsExportAndBlockSize() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_GO, RawNbdClient.goData("vol"));
      List<RawNbdClient.OptionReplyFrame> replies = readUntilFinal(client);
      assertThat(replies).extracting(RawNbdClient.OptionReplyFrame::type)
          .containsExactly(REP_INFO, REP_INFO, REP_ACK);
      ByteBuffer export = info(replies, INFO_EXPORT);
      export.getLong();
      assertThat(export.getShort() & 0xffff).as("no DF without structured replies").isEqualTo(VOLUME_FLAGS);
      info(replies, INFO_BLOCK_SIZE);
    }
  }

  @Test
  void goForAnUnknownExportIsAnErrorAndHagglingGoesOn() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_GO, RawNbdClient.goData("nope"));
      RawNbdClient.OptionReplyFrame unknown = client.readOptionReply();
      assertThat(unknown.type()).isEqualTo(REP_ERR_UNKNOWN);
      assertThat(string(unknown.buffer())).isEqualTo("no export named 'nope'");

      client.sendOption(OPT_GO, RawNbdClient.goData("vol"));
      assertThat(readUntilFinal(client)).last().extracting(RawNbdClient.OptionReplyFrame::type).isEqualTo(REP_ACK);
      client.sendRequest(0, CMD_FLUSH, 9, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
  }

  @Test
  void goForAnExportThatCannotBeOpenedNowSaysWhyAndHagglingGoesOn() {
    served.catalog.unavailable("away", "away: its replica group did not answer");
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_GO, RawNbdClient.goData("away"));
      RawNbdClient.OptionReplyFrame refused = client.readOptionReply();
      assertThat(refused.type()).isEqualTo(REP_ERR_UNKNOWN);
      assertThat(string(refused.buffer()))
          .isEqualTo("export 'away' is not available now: away: its replica group did not answer");

      client.sendOption(OPT_GO, RawNbdClient.goData("vol"));
      assertThat(readUntilFinal(client)).last().extracting(RawNbdClient.OptionReplyFrame::type).isEqualTo(REP_ACK);
      client.sendRequest(0, CMD_FLUSH, 9, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
  }

  @Test
  void malformedInfoIsInvalidAndHagglingGoesOn() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      // Name length pointing past the data.
      client.sendOption(OPT_INFO, ByteBuffer.allocate(6).putInt(100).putShort((short) 0).array());
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_INVALID);
      // Trailing bytes after the information requests.
      byte[] go = RawNbdClient.goData("vol");
      client.sendOption(OPT_INFO, ByteBuffer.allocate(go.length + 1).put(go).array());
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_INVALID);
      // An export name that is not UTF-8.
      client.sendOption(OPT_INFO, ByteBuffer.allocate(7).putInt(1).put((byte) 0xff).putShort((short) 0).array());
      RawNbdClient.OptionReplyFrame notUtf8 = client.readOptionReply();
      assertThat(notUtf8.type()).isEqualTo(REP_ERR_INVALID);
      assertThat(string(notUtf8.buffer())).contains("not valid UTF-8");

      client.sendOption(OPT_INFO, RawNbdClient.goData("vol"));
      assertThat(readUntilFinal(client)).last().extracting(RawNbdClient.OptionReplyFrame::type).isEqualTo(REP_ACK);
    }
  }

  @Test
  void startTlsIsRefusedByPolicy() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_STARTTLS, new byte[0]);
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_POLICY);
    }
  }

  @Test
  void extendedHeadersAndUnknownOptionsAreUnsupported() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_EXTENDED_HEADERS, new byte[0]);
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_UNSUP);
      client.sendOption(0x1234, new byte[] {1, 2, 3});
      RawNbdClient.OptionReplyFrame unknown = client.readOptionReply();
      assertThat(unknown.option()).isEqualTo(0x1234);
      assertThat(unknown.type()).isEqualTo(REP_ERR_UNSUP);
      client.sendOption(OPT_LIST, new byte[0]);
      assertThat(client.readOptionReply().type()).isEqualTo(REP_SERVER);
    }
  }

  @Test
  void structuredReplyTakesNoDataAndTurnsOnDf() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_STRUCTURED_REPLY, new byte[] {0});
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_INVALID);
      client.sendOption(OPT_STRUCTURED_REPLY, new byte[0]);
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ACK);
      client.sendOption(OPT_INFO, RawNbdClient.goData("vol"));
      ByteBuffer export = info(readUntilFinal(client), INFO_EXPORT);
      export.getLong();
      assertThat(export.getShort() & 0xffff).isEqualTo(VOLUME_FLAGS | TFLAG_SEND_DF);
    }
  }

  @Test
  void metaContextsNeedStructuredRepliesFirst() {
    try (RawNbdClient client = RawNbdClient.negotiating(served.socket(), true)) {
      client.sendOption(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData("vol"));
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_INVALID);
      client.sendOption(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("vol", "base:allocation"));
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_INVALID);
    }
  }

  @Test
  void listMetaContextMatchesBaseAllocation() {
    try (RawNbdClient client = structured()) {
      assertThat(listContexts(client, "vol")).as("no queries: everything").containsExactly("base:allocation");
      assertThat(listContexts(client, "vol", "base:")).as("namespace wildcard").containsExactly("base:allocation");
      assertThat(listContexts(client, "vol", "base:allocation", "qemu:dirty-bitmap:x"))
          .containsExactly("base:allocation");
      assertThat(listContexts(client, "vol", "x-other:")).as("unknown namespace ignored").isEmpty();
      assertThat(listContexts(client, "vol", "base:nothing")).as("unknown leaf ignored").isEmpty();

      client.sendOption(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData("nope"));
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ERR_UNKNOWN);
      client.sendOption(OPT_LIST_META_CONTEXT, ByteBuffer.allocate(12).putInt(0).putInt(1).putInt(50).array());
      assertThat(client.readOptionReply().type()).as("query length past the data").isEqualTo(REP_ERR_INVALID);
    }
  }

  @Test
  void setMetaContextSelectsBaseAllocationOnlyByFullName() {
    try (RawNbdClient client = structured()) {
      client.sendOption(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("vol", "base:"));
      assertThat(client.readOptionReply().type()).as("base: selects nothing").isEqualTo(REP_ACK);

      client.sendOption(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("vol", "x-foo:bar", "base:allocation"));
      RawNbdClient.OptionReplyFrame context = client.readOptionReply();
      assertThat(context.type()).isEqualTo(REP_META_CONTEXT);
      ByteBuffer data = context.buffer();
      assertThat(data.getInt()).isEqualTo(MetaContextRequest.ALLOCATION_CONTEXT_ID);
      assertThat(string(data)).isEqualTo("base:allocation");
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ACK);
    }
  }

  @Test
  void aContextSelectedForAnotherExportDoesNotCarryOverToGo() {
    try (RawNbdClient client = structured()) {
      client.sendOption(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("snap", "base:allocation"));
      assertThat(client.readOptionReply().type()).isEqualTo(REP_META_CONTEXT);
      assertThat(client.readOptionReply().type()).isEqualTo(REP_ACK);
      client.sendOption(OPT_GO, RawNbdClient.goData("vol"));
      assertThat(readUntilFinal(client)).last().extracting(RawNbdClient.OptionReplyFrame::type).isEqualTo(REP_ACK);
      client.sendRequest(0, CMD_BLOCK_STATUS, 1, 0, 4096);
      RawNbdClient.ReplyFrame reply = client.readReply(0);
      assertThat(reply.errorCode()).isEqualTo(NbdError.EINVAL.code());
      assertThat(reply.errorMessage()).contains("no metadata context");
    }
  }

  private RawNbdClient structured() {
    RawNbdClient client = RawNbdClient.negotiating(served.socket(), true);
    client.sendOption(OPT_STRUCTURED_REPLY, new byte[0]);
    assertThat(client.readOptionReply().type()).isEqualTo(REP_ACK);
    return client;
  }

  private static List<String> listContexts(RawNbdClient client, String export, String... queries) {
    client.sendOption(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData(export, queries));
    List<String> contexts = new ArrayList<>();
    RawNbdClient.OptionReplyFrame reply;
    while ((reply = client.readOptionReply()).type() == REP_META_CONTEXT) {
      ByteBuffer data = reply.buffer();
      assertThat(data.getInt()).as("context id in a list reply").isZero();
      contexts.add(string(data));
    }
    assertThat(reply.type()).isEqualTo(REP_ACK);
    return contexts;
  }

  private static List<RawNbdClient.OptionReplyFrame> readUntilFinal(RawNbdClient client) {
    List<RawNbdClient.OptionReplyFrame> replies = new ArrayList<>();
    RawNbdClient.OptionReplyFrame reply;
    do {
      reply = client.readOptionReply();
      replies.add(reply);
    } while (reply.type() == REP_INFO);
    return replies;
  }

  /** The payload (after the 16-bit type) of the NBD_REP_INFO of {@code type}. */
  private static ByteBuffer info(List<RawNbdClient.OptionReplyFrame> replies, int type) {
    return replies.stream()
        .filter(r -> r.type() == REP_INFO)
        .map(RawNbdClient.OptionReplyFrame::buffer)
        .filter(b -> (b.getShort(0) & 0xffff) == type)
        .findFirst()
        .map(b -> b.position(2))
        .orElseThrow(() -> new AssertionError("no NBD_REP_INFO of type " + type + " in " + replies));
  }

  private static String string(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
