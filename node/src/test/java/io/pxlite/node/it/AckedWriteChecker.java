package io.pxlite.node.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
  /**
   * Blocks not to write again (guarded by {@code inFlight}): in {@link #runUntil} a block whose write
   * failed or was cut off by a broken connection has an unknown outcome that might still land, so it
   * is never written again and a late landing can not pass for a lost acknowledged write.
   */
  private final BitSet retired = new BitSet();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  /** Failed writes by kind ("NBD error 5", "EOFException", ...), for reports. */
  private final java.util.Map<String, AtomicLong> failureKinds = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong reconnects = new AtomicLong();
  private final SplittableRandom random = new SplittableRandom(42);
  /** When the last acknowledgement arrived, and the longest wait between two (a failover's stall). */
  private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
  private final AtomicLong longestGapNanos = new AtomicLong();
  /** {@link System#nanoTime()} when the longest wait so far ended, to place a stall among a test's steps. */
  private volatile long longestGapEndNanos;

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

  /** {@link System#nanoTime()} at the end of the longest wait between two acknowledgements (0 if none yet). */
  public long longestAckGapEndNanos() {
    return longestGapEndNanos;
  }

  /** Writes acknowledged so far, across all runs (for a test that injects faults while a run goes on). */
  public long acknowledged() {
    return acks.get();
  }

  /** Writes that failed (an error reply, or cut off by a broken connection), across all runs. */
  public long failedWrites() {
    return failures.get();
  }

  /** Failed writes by kind: "NBD error N" for an error reply, else the exception's class (a broken connection). */
  public java.util.Map<String, Long> failureKinds() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    failureKinds.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private void countFailure(Throwable error) {
    failures.incrementAndGet();
    Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    String kind = t instanceof NbdClient.NbdReplyError e ? "NBD error " + e.errno : t.getClass().getSimpleName();
    failureKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /** How often {@link #runUntil} opened a new connection because the previous one broke. */
  public long reconnects() {
    return reconnects.get();
  }

  /**
   * Writes until {@code stop} says so, through connections from {@code connect}: when a connection
   * breaks (its node died), what it acknowledged counts, what was in flight has an unknown outcome,
   * and the writer asks {@code connect} for a new connection (to another node) and goes on. A block
   * whose write failed is not written again (see {@link #retired}). Fails if no write completes within
   * {@code stallLimit}.
   *
   * @return how many writes were acknowledged in this run
   */
  public long runUntil(Supplier<NbdClient> connect, int queueDepth, BooleanSupplier stop, Duration stallLimit)
      throws InterruptedException {
    long before = acks.get();
    lastAckNanos.set(System.nanoTime());
    while (!stop.getAsBoolean()) {
      NbdClient client = connect.get();
      try {
        writeLoop(client, queueDepth, Long.MAX_VALUE, System.nanoTime() + TimeUnit.DAYS.toNanos(365), stop, Long.MAX_VALUE,
            () -> { }, true, stallLimit);
      } finally {
        try {
          client.close();
        } catch (IOException e) {
          // The connection is gone either way.
        }
      }
      if (client.isBroken() && !stop.getAsBoolean()) {
        reconnects.incrementAndGet();
      }
    }
    return acks.get() - before;
  }

  private long run(NbdClient client, int queueDepth, long maxWrites, long deadlineNanos, long triggerAt, Runnable onAcks)
      throws InterruptedException {
    long before = acks.get();
    lastAckNanos.set(System.nanoTime());
    writeLoop(client, queueDepth, maxWrites, deadlineNanos, () -> false, triggerAt, onAcks, false, Duration.ofSeconds(30));
    return acks.get() - before;
  }

  private void writeLoop(NbdClient client, int queueDepth, long maxWrites, long deadlineNanos, BooleanSupplier stop,
      long triggerAt, Runnable onAcks, boolean retireFailed, Duration stallLimit) throws InterruptedException {
    Semaphore slots = new Semaphore(queueDepth);
    long before = acks.get();
    boolean triggered = false;
    for (long i = 0; i < maxWrites && System.nanoTime() - deadlineNanos < 0 && !stop.getAsBoolean(); i++) {
      if (!slots.tryAcquire(stallLimit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no write completed within " + stallLimit);
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
          recordGap(now - previous, now);
        } else {
          countFailure(error);
        }
        synchronized (inFlight) {
          if (error != null && retireFailed) {
            retired.set(block);
          }
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
    long settle = Math.max(60_000, stallLimit.toMillis());
    if (!slots.tryAcquire(queueDepth, settle, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("writes still in flight after " + settle / 1000 + "s");
    }
  }

  private void recordGap(long gapNanos, long endNanos) {
    synchronized (longestGapNanos) {
      if (gapNanos > longestGapNanos.get()) {
        longestGapNanos.set(gapNanos);
        longestGapEndNanos = endNanos;
      }
    }
  }

  private int pickIdleBlock() {
    synchronized (inFlight) {
      if (retired.cardinality() > blocks / 2) {
        throw new AssertionError("writes to more than half of the " + blocks + " blocks failed");
      }
      int block;
      do {
        block = random.nextInt(blocks);
      } while (inFlight.get(block) || retired.get(block));
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

  /**
   * What {@link #check} found: bytes read and checked, blocks whose acknowledged version is gone
   * ({@code lost}), blocks holding something never sent (torn, foreign data, or a version never
   * written: {@code corrupt}), and the first few of these described.
   */
  public record Verification(long bytesVerified, long lost, long corrupt, List<String> problems) {
    public boolean clean() {
      return lost == 0 && corrupt == 0;
    }

    /** Lost and corrupt blocks together. */
    public long bad() {
      return lost + corrupt;
    }
  }

  /**
   * Like {@link #verify}, but reads every block and counts what is wrong instead of failing at the
   * first bad block. A read that fails (an NBD error) fails the check.
   */
  public Verification check(NbdClient client) throws Exception {
    return check(client, null);
  }

  /**
   * Like {@link #check(NbdClient)}, and feeds every byte read (the first {@code blocks * 4 KiB} of the
   * export, in order) to {@code digest} if not null, to compare replicas without reading them twice.
   */
  public Verification check(NbdClient client, java.security.MessageDigest digest) throws Exception {
    final int batch = 256;
    long verified = 0;
    long lost = 0;
    long corrupt = 0;
    List<String> problems = new ArrayList<>();
    for (int first = 0; first < blocks; first += batch) {
      int n = Math.min(batch, blocks - first);
      ByteBuffer all;
      try {
        all = client.read((long) first * BlockRecord.SIZE, n * BlockRecord.SIZE).get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError("reading blocks " + first + ".." + (first + n - 1) + " failed: " + e.getCause(), e.getCause());
      }
      if (digest != null) {
        digest.update(all.duplicate());
      }
      for (int i = 0; i < n; i++) {
        int block = first + i;
        ByteBuffer content = all.slice(i * BlockRecord.SIZE, BlockRecord.SIZE);
        long min = acked.get(block);
        long max = sent.get(block);
        String problem = null;
        try {
          long holds = BlockRecord.versionOf(block, content);
          if (holds < min) {
            lost++;
            problem = "block " + block + " holds version " + holds + " but " + min + " was acknowledged: lost";
          } else if (holds > max) {
            corrupt++;
            problem = "block " + block + " holds version " + holds + " but only up to " + max + " was sent";
          }
        } catch (AssertionError e) {
          corrupt++;
          problem = e.getMessage() + " (acknowledged " + min + ", sent " + max + ")";
        }
        if (problem != null && problems.size() < 10) {
          problems.add(problem);
        }
        verified += BlockRecord.SIZE;
      }
    }
    return new Verification(verified, lost, corrupt, List.copyOf(problems));
  }

  /** What {@link #fill} did: blocks acknowledged, writes that failed, and the first failure (or null). */
  public record Fill(long blocksAcknowledged, long failedWrites, Throwable firstFailure) {}

  /**
   * Writes blocks {@code first .. first+count-1} in order, {@code blocksPerWrite} records per NBD
   * write, at {@code queueDepth}, and records what was acknowledged as {@link #run} does. Stops
   * sending at the first failed write (e.g. ENOSPC) and waits for the writes in flight.
   */
  public Fill fill(NbdClient client, int first, int count, int blocksPerWrite, int queueDepth) throws InterruptedException {
    Semaphore slots = new Semaphore(queueDepth);
    AtomicLong blocksAcked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    for (int at = first; at < first + count && firstFailure.get() == null && !client.isBroken(); at += blocksPerWrite) {
      if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new AssertionError("no write completed within 60s");
      }
      int n = Math.min(blocksPerWrite, first + count - at);
      ByteBuffer data = ByteBuffer.allocate(n * BlockRecord.SIZE);
      long[] versions = new long[n];
      for (int i = 0; i < n; i++) {
        versions[i] = sent.incrementAndGet(at + i);
        data.put(BlockRecord.encode(at + i, versions[i]));
      }
      final int start = at;
      client.write((long) at * BlockRecord.SIZE, data.flip()).whenComplete((r, error) -> {
        if (error == null) {
          for (int i = 0; i < n; i++) {
            acked.accumulateAndGet(start + i, versions[i], Math::max);
          }
          blocksAcked.addAndGet(n);
          acks.incrementAndGet();
        } else {
          failed.incrementAndGet();
          countFailure(error);
          firstFailure.compareAndSet(null, error instanceof java.util.concurrent.CompletionException && error.getCause() != null
              ? error.getCause() : error);
        }
        slots.release();
      });
    }
    if (!slots.tryAcquire(queueDepth, 60, TimeUnit.SECONDS)) {
      throw new AssertionError("writes still in flight after 60s");
    }
    return new Fill(blocksAcked.get(), failed.get(), firstFailure.get());
  }
}
