package io.pxlite.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test backend for the NBD server: a sparse export of 4 KiB blocks held in memory. Like the real
 * node, writes, zeroes and flushes complete on another thread, and the write payload is read on that
 * thread (so a server that releases it early would corrupt data). Tests can hold completions back,
 * inject failures and count calls.
 */
final class InMemoryExport implements NbdExport, AutoCloseable {
  static final int BLOCK = 4096;

  private final String name;
  private final long sizeBytes;
  private final boolean readOnly;
  /** Block index to contents; a missing block is a hole. Guarded by this. */
  private final TreeMap<Long, byte[]> blocks = new TreeMap<>();
  private final ExecutorService completer;
  private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
  /** Completions queued while held; null when completions run freely. Guarded by this. */
  private List<Runnable> held;

  final AtomicInteger writes = new AtomicInteger();
  final AtomicInteger zeroes = new AtomicInteger();
  final AtomicInteger flushes = new AtomicInteger();
  final AtomicInteger pendingWrites = new AtomicInteger();
  final AtomicInteger maxPendingWrites = new AtomicInteger();

  InMemoryExport(String name, long sizeBytes, boolean readOnly) {
    this.name = name;
    this.sizeBytes = sizeBytes;
    this.readOnly = readOnly;
    this.completer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "export-" + name + "-completer");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String id() {
    return "id-" + name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  /** The next export call (any kind) fails with {@code failure}. */
  void failNextCall(RuntimeException failure) {
    nextFailure.set(failure);
  }

  /** Queues completions of writes, zeroes and flushes until {@link #releaseCompletions()}. */
  synchronized void holdCompletions() {
    held = new ArrayList<>();
  }

  synchronized void releaseCompletions() {
    List<Runnable> queued = held;
    held = null;
    queued.forEach(completer::execute);
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    throwInjectedFailure();
    synchronized (this) {
      long position = offset;
      while (dst.hasRemaining()) {
        long index = position / BLOCK;
        int within = (int) (position % BLOCK);
        int n = Math.min(BLOCK - within, dst.remaining());
        byte[] block = blocks.get(index);
        if (block == null) {
          for (int i = 0; i < n; i++) {
            dst.put((byte) 0);
          }
        } else {
          dst.put(block, within, n);
        }
        position += n;
      }
    }
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    throwInjectedFailure();
    writes.incrementAndGet();
    int pending = pendingWrites.incrementAndGet();
    maxPendingWrites.accumulateAndGet(pending, Math::max);
    return complete(() -> {
      store(offset, data);
      pendingWrites.decrementAndGet();
    });
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    throwInjectedFailure();
    zeroes.incrementAndGet();
    return complete(() -> clear(offset, length));
  }

  @Override
  public CompletableFuture<Void> flush() {
    throwInjectedFailure();
    flushes.incrementAndGet();
    return complete(() -> {});
  }

  @Override
  public synchronized List<AllocationRun> allocation(long offset, long length) {
    throwInjectedFailure();
    long end = offset + length;
    List<AllocationRun> runs = new ArrayList<>();
    long cursor = offset;
    for (long index : blocks.subMap(offset / BLOCK, true, (end - 1) / BLOCK, true).keySet()) {
      long blockStart = Math.max(index * BLOCK, offset);
      long blockEnd = Math.min((index + 1) * BLOCK, end);
      if (blockStart > cursor) {
        runs.add(new AllocationRun(cursor, blockStart - cursor, true));
      }
      runs.add(new AllocationRun(blockStart, blockEnd - blockStart, false));
      cursor = blockEnd;
    }
    if (cursor < end) {
      runs.add(new AllocationRun(cursor, end - cursor, true));
    }
    return runs;
  }

  /** Direct access for test setup and assertions, bypassing the server. */
  synchronized void put(long offset, byte[] data) {
    store(offset, ByteBuffer.wrap(data));
  }

  byte[] get(long offset, int length) {
    ByteBuffer out = ByteBuffer.allocate(length);
    read(offset, out);
    return out.array();
  }

  synchronized int allocatedBlocks() {
    return blocks.size();
  }

  private CompletableFuture<Void> complete(Runnable change) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable task = () -> {
      try {
        change.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    };
    synchronized (this) {
      if (held != null) {
        held.add(task);
        return done;
      }
    }
    completer.execute(task);
    return done;
  }

  private synchronized void store(long offset, ByteBuffer data) {
    long position = offset;
    ByteBuffer source = data.duplicate();
    while (source.hasRemaining()) {
      long index = position / BLOCK;
      int within = (int) (position % BLOCK);
      int n = Math.min(BLOCK - within, source.remaining());
      source.get(blocks.computeIfAbsent(index, i -> new byte[BLOCK]), within, n);
      position += n;
    }
  }

  private synchronized void clear(long offset, long length) {
    long end = offset + length;
    Map<Long, byte[]> touched = blocks.subMap(offset / BLOCK, true, (end - 1) / BLOCK, true);
    for (Map.Entry<Long, byte[]> entry : new ArrayList<>(touched.entrySet())) {
      long blockStart = entry.getKey() * BLOCK;
      int from = (int) Math.max(offset - blockStart, 0);
      int to = (int) Math.min(end - blockStart, BLOCK);
      if (from == 0 && to == BLOCK) {
        blocks.remove(entry.getKey());
      } else {
        Arrays.fill(entry.getValue(), from, to, (byte) 0);
      }
    }
  }

  private void throwInjectedFailure() {
    RuntimeException failure = nextFailure.getAndSet(null);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    completer.shutdownNow();
  }
}
