package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Transmission-phase commands, replies and errors, byte by byte against doc/proto.md. */
@ExtendWith(NettyLeakCheck.class)
class TransmissionTest {
  @TempDir Path dir;
  private ServedExports served;
  private final Random random = new Random(7);

  @BeforeEach
  void start() {
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    served.close();
  }

  @Test
  void unalignedWriteThenSimpleReadRoundTrips() {
    byte[] data = randomBytes(8192 + 13);
    try (RawNbdClient client = simple("vol")) {
      client.sendWrite(0, 1, 4096 + 7, data);
      RawNbdClient.ReplyFrame write = client.readReply(0);
      assertThat(write.cookie()).isEqualTo(1);
      assertThat(write.errorCode()).isZero();

      client.sendRequest(0, CMD_READ, 2, 4096 + 7, data.length);
      RawNbdClient.ReplyFrame read = client.readReply(data.length);
      assertThat(read.structured()).isFalse();
      assertThat(read.cookie()).isEqualTo(2);
      assertThat(read.payload()).isEqualTo(data);
    }
    assertThat(served.volume().get(4096 + 7, data.length)).isEqualTo(data);
  }

  @Test
  void structuredReadIsOneOffsetDataChunkMarkedDone() {
    try (RawNbdClient client = structured("snap", false)) {
      client.sendRequest(CMD_FLAG_DF, CMD_READ, 3, 100, 5000);
      RawNbdClient.ReplyFrame chunk = client.readReply(0);
      assertThat(chunk.structured()).isTrue();
      assertThat(chunk.cookie()).isEqualTo(3);
      assertThat(chunk.type()).isEqualTo(REPLY_TYPE_OFFSET_DATA);
      assertThat(chunk.flags()).isEqualTo(REPLY_FLAG_DONE);
      ByteBuffer payload = chunk.buffer();
      assertThat(payload.getLong()).isEqualTo(100);
      byte[] data = new byte[payload.remaining()];
      payload.get(data);
      assertThat(data).isEqualTo(Arrays.copyOfRange(served.snapshotData, 100, 5100));
    }
  }

  @Test
  void requestsRunConcurrentlyAndRepliesComeAsTheyComplete() {
    InMemoryExport volume = served.volume();
    volume.holdCompletions();
    try (RawNbdClient client = simple("vol")) {
      client.sendWrite(0, 1, 0, randomBytes(4096));
      client.sendRequest(0, CMD_READ, 2, 1 << 20, 512);
      // The write is not durable yet, so the read overtakes it.
      RawNbdClient.ReplyFrame first = client.readReply(512);
      assertThat(first.cookie()).isEqualTo(2);
      Poll.until(Duration.ofSeconds(10), () -> volume.pendingWrites.get() == 1, () -> "the write to reach the export");
      volume.releaseCompletions();
      RawNbdClient.ReplyFrame second = client.readReply(0);
      assertThat(second.cookie()).isEqualTo(1);
      assertThat(second.errorCode()).isZero();
    }
  }

  @Test
  void flushAndFuaAreAcknowledged() {
    InMemoryExport volume = served.volume();
    try (RawNbdClient client = simple("vol")) {
      client.sendWrite(CMD_FLAG_FUA, 1, 0, randomBytes(4096));
      assertThat(client.readReply(0).errorCode()).isZero();
      client.sendRequest(0, CMD_FLUSH, 2, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
      assertThat(volume.flushes.get()).isEqualTo(1);
      client.sendRequest(0, CMD_FLUSH, 3, 0, 512);
      assertThat(client.readReply(0).errorCode()).as("flush with a length").isEqualTo(NbdError.EINVAL.code());
    }
  }

  @Test
  void trimAndWriteZeroesReadBackAsZeroesAndReleaseBlocks() {
    InMemoryExport volume = served.volume();
    volume.put(0, randomBytes(64 * 1024));
    try (RawNbdClient client = simple("vol")) {
      client.sendRequest(0, CMD_TRIM, 1, 0, 16 * 1024);
      assertThat(client.readReply(0).errorCode()).isZero();
      client.sendRequest(CMD_FLAG_NO_HOLE | CMD_FLAG_FUA, CMD_WRITE_ZEROES, 2, 16 * 1024, 16 * 1024);
      assertThat(client.readReply(0).errorCode()).isZero();
      client.sendRequest(CMD_FLAG_FAST_ZERO, CMD_WRITE_ZEROES, 3, 32 * 1024, 100);
      assertThat(client.readReply(0).errorCode()).as("fast zero").isZero();

      client.sendRequest(0, CMD_READ, 4, 0, 32 * 1024 + 100);
      assertThat(client.readReply(32 * 1024 + 100).payload()).containsOnly(0);
    }
    // 8 whole blocks released; the partly zeroed block stays allocated.
    assertThat(volume.allocatedBlocks()).isEqualTo(8);
  }

  @Test
  void blockStatusReportsDataAndHoles() {
    served.volume().put(8192, randomBytes(4096));
    try (RawNbdClient client = structured("vol", true)) {
      client.sendRequest(0, CMD_BLOCK_STATUS, 1, 0, 1 << 20);
      RawNbdClient.ReplyFrame chunk = client.readReply(0);
      assertThat(chunk.type()).isEqualTo(REPLY_TYPE_BLOCK_STATUS);
      assertThat(chunk.flags()).isEqualTo(REPLY_FLAG_DONE);
      ByteBuffer payload = chunk.buffer();
      assertThat(payload.getInt()).isEqualTo(MetaContextRequest.ALLOCATION_CONTEXT_ID);
      assertThat(extents(payload)).containsExactly(
          new long[] {8192, 3}, new long[] {4096, 0}, new long[] {(1 << 20) - 12288, 3});

      client.sendRequest(CMD_FLAG_REQ_ONE, CMD_BLOCK_STATUS, 2, 4096, 2048);
      ByteBuffer one = client.readReply(0).buffer();
      one.getInt();
      assertThat(extents(one)).as("REQ_ONE: one extent, within the request").containsExactly(new long[] {2048, 3});
    }
  }

  @Test
  void blockStatusWithoutANegotiatedContextIsEinval() {
    try (RawNbdClient client = structured("vol", false)) {
      client.sendRequest(0, CMD_BLOCK_STATUS, 1, 0, 4096);
      RawNbdClient.ReplyFrame reply = client.readReply(0);
      assertThat(reply.type()).isEqualTo(REPLY_TYPE_ERROR);
      assertThat(reply.flags()).isEqualTo(REPLY_FLAG_DONE);
      assertThat(reply.errorCode()).isEqualTo(NbdError.EINVAL.code());
    }
  }

  @Test
  void rangesPastTheEndAreEnospcForWritesAndEinvalOtherwise() {
    long size = ServedExports.VOLUME_SIZE;
    try (RawNbdClient client = structured("vol", true)) {
      client.sendRequest(0, CMD_READ, 1, size - 512, 1024);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
      client.sendWrite(0, 2, size - 512, new byte[1024]);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.ENOSPC.code());
      client.sendRequest(0, CMD_WRITE_ZEROES, 3, size, 1);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.ENOSPC.code());
      client.sendRequest(0, CMD_TRIM, 4, size + 4096, 4096);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
      client.sendRequest(0, CMD_BLOCK_STATUS, 5, size - 1, 2);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
      client.sendRequest(0, CMD_CACHE, 6, size, 1);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
      client.sendRequest(0, CMD_READ, 7, 0x8000_0000_0000_0000L, 1);
      RawNbdClient.ReplyFrame huge = client.readReply(0);
      assertThat(huge.errorCode()).isEqualTo(NbdError.EINVAL.code());
      assertThat(huge.errorMessage()).contains("offset 9223372036854775808 is past the end");
      // Up to the very end is fine.
      client.sendRequest(0, CMD_READ, 8, size - 512, 512);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
    assertThat(served.volume().writes.get()).isZero();
  }

  @Test
  void readOnlyExportRefusesChangesWithEperm() {
    try (RawNbdClient client = structured("snap", false)) {
      client.sendWrite(0, 1, 0, new byte[512]);
      RawNbdClient.ReplyFrame write = client.readReply(0);
      assertThat(write.errorCode()).isEqualTo(NbdError.EPERM.code());
      assertThat(write.errorMessage()).isEqualTo("export 'snap' is read-only");
      client.sendRequest(0, CMD_TRIM, 2, 0, 512);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EPERM.code());
      client.sendRequest(0, CMD_WRITE_ZEROES, 3, 0, 512);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EPERM.code());
      client.sendRequest(0, CMD_FLUSH, 4, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
    assertThat(served.snapshot().get(0, 512)).isEqualTo(Arrays.copyOf(served.snapshotData, 512));
  }

  @Test
  void exportFailuresMapToTheirErrorOrEio() {
    InMemoryExport volume = served.volume();
    try (RawNbdClient client = structured("vol", true)) {
      volume.failNextCall(new NbdException(NbdError.ENOSPC, "pool is full"));
      client.sendWrite(0, 1, 0, new byte[512]);
      RawNbdClient.ReplyFrame refused = client.readReply(0);
      assertThat(refused.errorCode()).isEqualTo(NbdError.ENOSPC.code());
      assertThat(refused.errorMessage()).isEqualTo("pool is full");

      volume.failNextCall(new IllegalStateException("replica lost"));
      client.sendRequest(0, CMD_READ, 2, 0, 512);
      RawNbdClient.ReplyFrame broken = client.readReply(0);
      assertThat(broken.type()).isEqualTo(REPLY_TYPE_ERROR);
      assertThat(broken.errorCode()).isEqualTo(NbdError.EIO.code());
      assertThat(broken.errorMessage()).doesNotContain("replica lost");

      volume.failNextCall(new IllegalStateException("allocation map unavailable"));
      client.sendRequest(0, CMD_BLOCK_STATUS, 3, 0, 512);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EIO.code());

      client.sendRequest(0, CMD_READ, 4, 0, 512);
      assertThat(client.readReply(0).errorCode()).as("the connection survives").isZero();
    }
  }

  @Test
  void simpleReadFailureSendsTheErrorWithoutData() {
    served.volume().failNextCall(new NbdException(NbdError.EIO, "disk on fire"));
    try (RawNbdClient client = simple("vol")) {
      client.sendRequest(0, CMD_READ, 1, 0, 4096);
      assertThat(client.readReply(4096).errorCode()).isEqualTo(NbdError.EIO.code());
      client.sendRequest(0, CMD_READ, 2, 0, 16);
      RawNbdClient.ReplyFrame next = client.readReply(16);
      assertThat(next.cookie()).as("no stray data before the next reply").isEqualTo(2);
    }
  }

  @Test
  void zeroLengthRequestsSucceedExceptBlockStatus() {
    try (RawNbdClient client = simple("vol")) {
      client.sendRequest(0, CMD_READ, 1, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
      client.sendWrite(0, 2, 0, new byte[0]);
      assertThat(client.readReply(0).errorCode()).isZero();
      client.sendRequest(0, CMD_TRIM, 3, 0, 0);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
    try (RawNbdClient client = structured("vol", true)) {
      client.sendRequest(0, CMD_READ, 1, 0, 0);
      RawNbdClient.ReplyFrame none = client.readReply(0);
      assertThat(none.type()).isEqualTo(REPLY_TYPE_NONE);
      assertThat(none.flags()).isEqualTo(REPLY_FLAG_DONE);
      assertThat(none.payload()).isEmpty();
      client.sendRequest(0, CMD_BLOCK_STATUS, 2, 0, 0);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
    }
    assertThat(served.volume().writes.get() + served.volume().zeroes.get()).isZero();
  }

  @Test
  void readsOverTheMaximumPayloadAreRefused() {
    try (RawNbdClient client = simple("vol")) {
      client.sendRequest(0, CMD_READ, 1, 0, MAX_PAYLOAD + 1L);
      assertThat(client.readReply(0).errorCode()).isEqualTo(NbdError.EINVAL.code());
    }
    try (RawNbdClient client = structured("vol", false)) {
      client.sendRequest(0, CMD_READ, 1, 0, MAX_PAYLOAD + 1L);
      assertThat(client.readReply(0).errorCode()).as("retry smaller").isEqualTo(NbdError.EOVERFLOW.code());
      client.sendRequest(0, CMD_READ, 2, 0, MAX_PAYLOAD);
      RawNbdClient.ReplyFrame full = client.readReply(0);
      assertThat(full.payload()).hasSize(8 + MAX_PAYLOAD);
    }
  }

  @Test
  void cacheIsAcceptedAsAHint() {
    try (RawNbdClient client = simple("snap")) {
      client.sendRequest(0, CMD_CACHE, 1, 0, 1 << 20);
      assertThat(client.readReply(0).errorCode()).isZero();
    }
  }

  @Test
  void disconnectAnswersInFlightRequestsThenCloses() {
    InMemoryExport volume = served.volume();
    volume.holdCompletions();
    byte[] data = randomBytes(4096);
    try (RawNbdClient client = simple("vol")) {
      client.sendWrite(0, 1, 0, data);
      client.sendRequest(0, CMD_DISC, 2, 0, 0);
      client.shutdownOutput();
      Poll.until(Duration.ofSeconds(10), () -> volume.pendingWrites.get() == 1, () -> "the write to reach the export");
      volume.releaseCompletions();
      RawNbdClient.ReplyFrame write = client.readReply(0);
      assertThat(write.cookie()).isEqualTo(1);
      assertThat(write.errorCode()).isZero();
      assertThat(client.readUntilClosed()).as("nothing after the last reply").isEmpty();
    }
    assertThat(volume.get(0, 4096)).isEqualTo(data);
  }

  private RawNbdClient simple(String export) {
    return RawNbdClient.transmitting(served.socket(), export, false, false);
  }

  private RawNbdClient structured(String export, boolean allocation) {
    return RawNbdClient.transmitting(served.socket(), export, true, allocation);
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static List<long[]> extents(ByteBuffer payload) {
    List<long[]> extents = new ArrayList<>();
    while (payload.hasRemaining()) {
      extents.add(new long[] {payload.getInt() & 0xffffffffL, payload.getInt()});
    }
    return extents;
  }
}
