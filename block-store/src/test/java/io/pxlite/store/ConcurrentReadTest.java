package io.pxlite.store;

import io.pxlite.store.device.DeviceAdmission;
import static io.pxlite.store.StoreFixture.BLOCK;
import static io.pxlite.store.StoreFixture.MIB;
import static io.pxlite.store.StoreFixture.filled;
import static io.pxlite.store.StoreFixture.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {
  @TempDir Path dir;

  /**
   * One writer rewrites a few blocks, each time with one byte value throughout, and checkpoints often
   * on a device so small that freed slots are reused at once; readers must only ever see whole blocks
   * of one value and never a checksum failure (which a reused slot read through a stale entry causes).
   */
  @Test
  void readsSeeWholeOldOrNewBlocksWhileTheyAreRewritten() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = DeviceAdmission.MIN_BYTES;
    int blocks = 4;
    int rounds = 400;
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 1, MIB);
      ExecutorService readers = Executors.newFixedThreadPool(3);
      AtomicBoolean done = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(3);
      List<Future<Long>> results = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        results.add(readers.submit(() -> {
          started.countDown();
          long reads = 0;
          ByteBuffer dst = ByteBuffer.allocate(BLOCK);
          while (!done.get()) {
            for (int b = 0; b < blocks; b++) {
              store.view(1).read((long) b * BLOCK, dst);
              byte first = dst.get(0);
              for (int i = 1; i < BLOCK; i++) {
                if (dst.get(i) != first) {
                  throw new AssertionError("block " + b + " mixes bytes " + first + " and " + dst.get(i));
                }
              }
              reads++;
            }
          }
          return reads;
        }));
      }
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      for (int round = 1; round <= rounds; round++) {
        store.write(fx.next(), 1, (long) (round % blocks) * BLOCK, filled(round % 251 + 1, BLOCK));
        if (round % 8 == 0) {
          store.checkpoint();
        }
      }
      done.set(true);
      long reads = 0;
      for (Future<Long> f : results) {
        reads += f.get(30, TimeUnit.SECONDS);
      }
      readers.shutdown();
      assertThat(reads).isPositive();
      assertThat(store.checksumErrors()).isZero();
    }
  }

  /**
   * A read holds the slot address it looked up; a checkpoint that frees that slot must wait for the
   * read before the slot can be reused, or the read would return (or fail on) another block's data.
   */
  @Test
  void aSlotIsNotReusedWhileAReadThatLookedItUpIsInProgress() throws Exception {
    StoreFixture fx = new StoreFixture(dir);
    fx.deviceBytes = DeviceAdmission.MIN_BYTES; // 16 slots
    try (BlockStore store = fx.open()) {
      store.createVolume(fx.next(), 1, MIB);
      store.write(fx.next(), 1, 0, filled(1, BLOCK));
      store.write(fx.next(), 1, BLOCK, random(2, 14 * BLOCK)); // one slot left
      store.checkpoint();

      CountDownLatch lookedUp = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      store.afterIndexLookupForTest(() -> {
        if (Thread.currentThread().getName().equals("held-reader")) {
          lookedUp.countDown();
          await(resume);
        }
      });
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<byte[]> read = pool.submit(() -> {
          Thread.currentThread().setName("held-reader");
          return StoreFixture.read(store, 1, 0, BLOCK);
        });
        assertThat(lookedUp.await(10, TimeUnit.SECONDS)).isTrue();

        store.write(fx.next(), 1, 0, filled(3, BLOCK)); // takes the last slot; block 0's old slot awaits a checkpoint
        ApplyPosition next = fx.next();
        // This write needs a slot: only the one just freed is left, so it checkpoints to reuse it.
        Future<?> reuse = pool.submit(() -> store.write(next, 1, BLOCK, filled(4, BLOCK)));
        while (!reuse.isDone() && !store.checkpointWaitsForReadsForTest()) {
          Thread.onSpinWait();
        }
        assertThat(reuse.isDone()).as("the slot was reused while a read still held it").isFalse();

        resume.countDown();
        assertThat(read.get(10, TimeUnit.SECONDS)).containsOnly(1);
        reuse.get(10, TimeUnit.SECONDS);
        assertThat(store.checksumErrors()).isZero();
        assertThat(StoreFixture.read(store, 1, 0, 2 * BLOCK)).isEqualTo(concat(filled(3, BLOCK), filled(4, BLOCK)));
      } finally {
        resume.countDown();
        store.afterIndexLookupForTest(null);
        pool.shutdown();
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("not resumed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(ByteBuffer x, ByteBuffer y) {
    byte[] a = StoreFixture.bytes(x);
    byte[] out = java.util.Arrays.copyOf(a, a.length + y.remaining());
    System.arraycopy(StoreFixture.bytes(y), 0, out, a.length, y.remaining());
    return out;
  }
}
