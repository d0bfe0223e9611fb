package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that floods the server while the export is slow: the server stops reading at its
 * in-flight caps instead of buffering without bound, and resumes once requests complete.
 */
@ExtendWith(NettyLeakCheck.class)
class BackPressureTest {
  /** Requests already read when reading pauses still start: at most one 64 KiB socket read's worth. */
  private static final int READ_BUFFER = 64 * 1024;

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
  void stopsReadingAtTheRequestCap() throws Exception {
    int writeSize = 4096;
    int slack = READ_BUFFER / (28 + writeSize) + 2;
    floodAndCheck(400, writeSize, TransmissionSession.MAX_IN_FLIGHT_REQUESTS, slack);
  }

  @Test
  void stopsReadingAtTheMemoryCap() throws Exception {
    int writeSize = 1 << 20;
    int atCap = (int) (TransmissionSession.MAX_IN_FLIGHT_BYTES / writeSize);
    // Plus the one write whose payload was being assembled when reading paused.
    floodAndCheck(100, writeSize, atCap, 2);
  }

  private void floodAndCheck(int requests, int writeSize, int cap, int slack) throws Exception {
    InMemoryExport volume = served.volume();
    volume.holdCompletions();
    byte[] data = new byte[writeSize];
    try (RawNbdClient client = RawNbdClient.transmitting(served.socket(), "vol", false, false)) {
      CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < requests; i++) {
          client.sendWrite(0, i, (long) i * writeSize % ServedExports.VOLUME_SIZE, data);
        }
      });
      Poll.until(Duration.ofSeconds(10), () -> volume.pendingWrites.get() >= cap,
          () -> cap + " writes in flight (now " + volume.pendingWrites.get() + ")");
      Poll.holdsFor(Duration.ofMillis(500), () -> volume.pendingWrites.get() <= cap + slack,
          () -> "in-flight writes stay within " + cap + " + " + slack + " (now " + volume.pendingWrites.get() + ")");
      assertThat(flood).as("the client is held back").isNotDone();

      // From here on the export completes writes freely; the server must resume reading.
      volume.releaseCompletions();
      Set<Long> answered = new HashSet<>();
      for (int i = 0; i < requests; i++) {
        RawNbdClient.ReplyFrame reply = client.readReply(0);
        assertThat(reply.errorCode()).isZero();
        answered.add(reply.cookie());
      }
      flood.get(10, TimeUnit.SECONDS);
      assertThat(answered).hasSize(requests);
    }
    assertThat(volume.maxPendingWrites.get()).isLessThanOrEqualTo(cap + slack);
    assertThat(volume.writes.get()).isEqualTo(requests);
  }
}
