package io.pxlite.node.it;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Writes random 4 KiB blocks through NBD at a fixed queue depth and records, per block, the last
 * version the server acknowledged and the last version it was sent. Afterwards every block must hold
 * a whole record with a version between the two (or zeros if nothing was acknowledged): an
 * acknowledged write was never lost, and no block is torn.
 */
public final class AckedWriteChecker {
  private final int blocks;
  private final AtomicLongArray acked;
  private final AtomicLongArray sent;
  private final BitSet inFlight;
  private final AtomicLong acks = new AtomicLong();
  private final SplittableRandom random = new SplittableRandom(42);
  /** When the last acknowledgement arrived, and the longest wait between two (a failover's stall). */
  private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong longestGapNanos = new AtomicLong();

  public AckedWriteChecker(int blocks) {
    this.blocks = blocks;
    this.acked = new AtomicLongArray(blocks);
    this.sent = new AtomicLongArray(blocks);
    this.inFlight = new BitSet(blocks);
  }

  /**
   * Writes until the connection breaks or {@code maxWrites} were sent; runs {@code onAcks} once
   * {@code triggerAt} writes were acknowledged (e.g. to kill the server mid-stream).
   *
   * @return how many writes were acknowledged in this run
   */
  public long run(NbdClient client, int queueDepth, long maxWrites, long triggerAt, Runnable onAcks) throws InterruptedException {
    return run(client, queueDepth, maxWrites, Long.MAX_VALUE, triggerAt, onAcks);
  }

  /** Writes for {@code duration} (or until the connection breaks). */
  public long runFor(NbdClient client, int queueDepth, java.time.Duration duration) throws InterruptedException {
    return run(client, queueDepth, Long.MAX_VALUE, System.nanoTime() + duration.toNanos(), Long.MAX_VALUE, () -> { });
  }

  /** The longest time between two acknowledgements so far, e.g. how long writes stalled in a failover. */
  public long longestAckGapMillis() {
    return TimeUnit.NANOSECONDS.toMillis(longestGapNanos.get());
  }

  private long run(NbdClient client, int queueDepth, long maxWrites, long deadlineNanos, long triggerAt, Runnable onAcks)
      throws InterruptedException {
    Semaphore slots = new Semaphore(queueDepth);
    long before = acks.get();
    lastAckNanos.set(System.nanoTime());
    boolean triggered = false;
    for (long i = 0; i < maxWrites && System.nanoTime() - deadlineNanos < 0; i++) {
      if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no write completed within 30s");
      }
      if (client.isBroken()) {
        slots.release();
        break;
      }
      int block = pickIdleBlock();
      long version = sent.incrementAndGet(block);
      CompletableFuture<ByteBuffer> w = client.write((long) block * BlockRecord.SIZE, BlockRecord.encode(block, version));
      w.whenComplete((r, error) -> {
        if (error == null) {
          acked.accumulateAndGet(block, version, Math::max);
          acks.incrementAndGet();
          long now = System.nanoTime();
          long previous = lastAckNanos.getAndSet(now);
          longestGapNanos.accumulateAndGet(now - previous, Math::max);
        }
        synchronized (inFlight) {
          inFlight.clear(block);
        }
        slots.release();
      });
      if (!triggered && acks.get() - before >= triggerAt) {
        triggered = true;
        new Thread(onAcks, "fault-injector").start();
      }
    }
    // Wait until every write has either been acknowledged or failed.
    if (!slots.tryAcquire(queueDepth, 60, TimeUnit.SECONDS)) {
      throw new AssertionError("writes still in flight after 60s");
    }
    return acks.get() - before;
  }

  private int pickIdleBlock() {
    synchronized (inFlight) {
      int block;
      do {
        block = random.nextInt(blocks);
      } while (inFlight.get(block));
      inFlight.set(block);
      return block;
    }
  }

  /** Reads every block back and checks it against what was acknowledged and sent; returns bytes verified. */
  public long verify(NbdClient client) throws Exception {
    final int batch = 256;
    long verified = 0;
    for (int first = 0; first < blocks; first += batch) {
      int n = Math.min(batch, blocks - first);
      CompletableFuture<ByteBuffer> read = client.read((long) first * BlockRecord.SIZE, n * BlockRecord.SIZE);
      ByteBuffer all = read.get(60, TimeUnit.SECONDS);
      for (int i = 0; i < n; i++) {
        int block = first + i;
        ByteBuffer content = all.slice(i * BlockRecord.SIZE, BlockRecord.SIZE);
        long holds = BlockRecord.versionOf(block, content);
        long min = acked.get(block);
        long max = sent.get(block);
        if (holds < min || holds > max) {
          throw new AssertionError("block " + block + " holds version " + holds + " but " + min
              + " was acknowledged and " + max + " was the last sent: an acknowledged write was lost");
        }
        verified += BlockRecord.SIZE;
      }
    }
    return verified;
  }
}
