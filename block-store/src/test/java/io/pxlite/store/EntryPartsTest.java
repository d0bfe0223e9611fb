package io.pxlite.store;

import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.STREAM;
import static io.pxlite.store.StoreFixture.filled;
import static io.pxlite.store.StoreFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One log entry may carry several changes (a batch); each is applied at its own part of the entry's
 * position, so a replay after a crash in the middle of an entry applies exactly the missing parts.
 */
class EntryPartsTest {
  @TempDir Path dir;

  @Test
  void partsOfOneEntryApplyInOrderAndReplayExactlyTheMissingOnes() {
    StoreFixture fx = new StoreFixture(dir);
    BlockStore store = fx.open();
    store.createVolume(new ApplyPosition(STREAM, 1, 1), 7, MIB);
    store.checkpoint();
    ApplyPosition entry = new ApplyPosition(STREAM, 2, 1);
    store.write(entry.part(0), 7, 0, filled(0xA0, BLOCK));
    store.write(entry.part(1), 7, 0, filled(0xA1, BLOCK)); // same block, same entry: the later part wins
    store.write(entry.part(2), 7, BLOCK, filled(0xA2, BLOCK));
    assertThat(store.applied(STREAM)).isEqualTo(entry.part(2));
    assertThat(read(store, 7, 0, BLOCK)).isEqualTo(filled(0xA1, BLOCK).array());

    // A crash after part 1 was made durable, before part 2 was.
    store.close();
    store = fx.open();
    store.write(entry.part(0), 7, 0, filled(0xEE, BLOCK)); // replays of applied parts are skipped
    store.write(entry.part(1), 7, 0, filled(0xEE, BLOCK));
    store.write(entry.part(2), 7, BLOCK, filled(0xEE, BLOCK));
    assertThat(read(store, 7, 0, BLOCK)).isEqualTo(filled(0xA1, BLOCK).array());
    assertThat(read(store, 7, BLOCK, BLOCK)).isEqualTo(filled(0xA2, BLOCK).array());
    store.write(new ApplyPosition(STREAM, 3, 1), 7, BLOCK, filled(0xB3, BLOCK));
    assertThat(read(store, 7, BLOCK, BLOCK)).isEqualTo(filled(0xB3, BLOCK).array());
    assertThat(store.applied(STREAM)).isEqualTo(new ApplyPosition(STREAM, 3, 1, 0));
    store.close();
  }

  @Test
  void aPartlyAppliedEntryResumesAfterACrash() {
    StoreFixture fx = new StoreFixture(dir);
    BlockStore store = fx.open();
    store.createVolume(new ApplyPosition(STREAM, 1, 1), 7, MIB);
    ApplyPosition entry = new ApplyPosition(STREAM, 2, 1);
    store.write(entry.part(0), 7, 0, filled(0xA0, BLOCK));
    store.checkpoint();
    store.write(entry.part(1), 7, BLOCK, filled(0xA1, BLOCK));
    store.closeWithoutCheckpointForTest();

    store = fx.open();
    assertThat(store.applied(STREAM)).as("durable up to part 0").isEqualTo(entry.part(0));
    store.write(entry.part(0), 7, 0, filled(0xEE, BLOCK));
    store.write(entry.part(1), 7, BLOCK, filled(0xA1, BLOCK));
    assertThat(read(store, 7, 0, BLOCK)).isEqualTo(filled(0xA0, BLOCK).array());
    assertThat(read(store, 7, BLOCK, BLOCK)).isEqualTo(filled(0xA1, BLOCK).array());
    store.close();
  }
}
