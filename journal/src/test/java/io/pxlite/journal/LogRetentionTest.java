package io.pxlite.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRetentionTest {
  @TempDir
  Path dir;

  private void segment(String name, int bytes) throws Exception {
    Files.write(dir.resolve(name), new byte[bytes]);
  }

  @Test
  void logSizeCountsSegmentsAndThoseAfterTheCheckpoint() throws Exception {
    segment("log_0-99", 10);
    segment("log_100-199", 20);
    segment("log_inprogress_200", 5);
    segment("raft-meta", 7);

    assertThat(LogRetention.LogSize.of(dir, 150)).isEqualTo(new LogRetention.LogSize(35, 25));
    assertThat(LogRetention.LogSize.of(dir, 199)).isEqualTo(new LogRetention.LogSize(35, 5));
    assertThat(LogRetention.LogSize.of(dir, -1)).isEqualTo(new LogRetention.LogSize(35, 35));
  }

  @Test
  void aDivisionWithoutALogDirectoryYetHasNoLog() throws Exception {
    assertThat(LogRetention.LogSize.of(dir.resolve("missing"), 0)).isEqualTo(new LogRetention.LogSize(0, 0));
  }

  @Test
  void retentionSmallerThanTheCheckpointSizeIsRefused() {
    assertThatThrownBy(() -> new LogRetention(null, 8 << 20, 4 << 20, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least the checkpoint size");
  }

  @Test
  void aLogWithinItsRetentionIsNotPurged() {
    LogRetention r = new LogRetention(null, 4 << 20, 24 << 20, 100 << 20);
    assertThat(r.purgeTo(24 << 20, 500, Long.MAX_VALUE)).isEqualTo(-1);
  }

  @Test
  void aLogPastItsRetentionIsPurgedToTheCheckpointWhenNoCopyIsServed() {
    LogRetention r = new LogRetention(null, 4 << 20, 24 << 20, 100 << 20);
    assertThat(r.purgeTo(30 << 20, 500, Long.MAX_VALUE)).isEqualTo(500);
  }

  @Test
  void aPresentFollowerBehindHoldsTheLogFromItsMatchIndexWithinTheHold() {
    LogRetention r = new LogRetention(null, 4 << 20, 24 << 20, 100 << 20);
    assertThat(r.purgeTo(30 << 20, 500, 242)).as("a follower at 242").isEqualTo(242);
    assertThat(r.purgeTo(124 << 20, 500, 242)).as("at the hold's end").isEqualTo(242);
    assertThat(r.purgeTo((124 << 20) + 1, 500, 242)).as("past the hold: the disk comes first").isEqualTo(500);
    assertThat(r.purgeTo(30 << 20, 500, 600)).as("followers past the checkpoint").isEqualTo(500);
  }
}
