package io.pxlite.store.device;

import io.pxlite.store.BlockStore;
import io.pxlite.store.OutOfSpaceException;
import io.pxlite.store.StoreIOException;
import io.pxlite.store.alloc.LongList;
import io.pxlite.store.alloc.SlotAddress;
import io.pxlite.store.alloc.SlotAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's open devices, addressed by ordinal, and their slots: allocation across devices, and
 * the life of a freed slot (pending, sealed by a checkpoint, free). Each allocation goes to the device
 * with the most free slots, which spreads a large write over all devices and fills them evenly.
 */
public final class DevicePool implements AutoCloseable {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  private final List<Device> devices;
  private final Device[] byOrdinal;
  private final SlotAllocator[] allocators;
  private final AtomicLong syncs = new AtomicLong();

  public DevicePool(List<Device> devices) {
    this.devices = List.copyOf(devices);
    int maxOrdinal = devices.stream().mapToInt(Device::ordinal).max().orElse(0);
    this.byOrdinal = new Device[maxOrdinal + 1];
    this.allocators = new SlotAllocator[maxOrdinal + 1];
    for (Device d : devices) {
      if (byOrdinal[d.ordinal()] != null) {
        throw new IllegalArgumentException("two devices with ordinal " + d.ordinal());
      }
      byOrdinal[d.ordinal()] = d;
      allocators[d.ordinal()] = new SlotAllocator(d.slots());
    }
  }

  public Device device(int ordinal) {
    Device d = ordinal < byOrdinal.length ? byOrdinal[ordinal] : null;
    if (d == null) {
      throw new StoreIOException("the block index refers to device ordinal " + ordinal + ", which no open device has");
    }
    return d;
  }

  public List<Device> devices() {
    return devices;
  }

  /**
   * Allocates {@code count} slots into {@code out}, all or none.
   *
   * @throws OutOfSpaceException naming what is free now and what a checkpoint would free
   */
  public synchronized void allocate(int count, LongList out) {
    long free = 0;
    for (Device d : devices) {
      free += allocators[d.ordinal()].free();
    }
    if (free < count) {
      throw new OutOfSpaceException("no space for " + count + " blocks: " + free + " free slots on "
          + devices.size() + " devices" + (awaitingCheckpoint() > 0 ? " (" + awaitingCheckpoint() + " more after the next checkpoint)" : ""));
    }
    for (int i = 0; i < count; i++) {
      SlotAllocator best = null;
      int bestOrdinal = -1;
      for (Device d : devices) {
        SlotAllocator a = allocators[d.ordinal()];
        if (best == null || a.free() > best.free()) {
          best = a;
          bestOrdinal = d.ordinal();
        }
      }
      out.add(SlotAddress.of(bestOrdinal, best.allocate()));
    }
  }

  /** Whether {@code count} slots are free now. */
  public synchronized boolean hasFree(int count) {
    long free = 0;
    for (Device d : devices) {
      free += allocators[d.ordinal()].free();
    }
    return free >= count;
  }

  /** Slots that a checkpoint would make free. */
  public synchronized long awaitingCheckpoint() {
    long n = 0;
    for (Device d : devices) {
      n += allocators[d.ordinal()].awaitingCheckpoint();
    }
    return n;
  }

  /** Returns allocations no committed index state refers to. */
  public synchronized void release(LongList addresses) {
    for (int i = 0; i < addresses.size(); i++) {
      long a = addresses.get(i);
      allocator(a).release(SlotAddress.slot(a));
    }
  }

  public synchronized void freeAfterCheckpoint(LongList addresses) {
    for (int i = 0; i < addresses.size(); i++) {
      freeAfterCheckpoint(addresses.get(i));
    }
  }

  public synchronized void freeAfterCheckpoint(long address) {
    allocator(address).freeAfterCheckpoint(SlotAddress.slot(address));
  }

  /** Marks a slot the index refers to at open; false if another version already refers to it. */
  public synchronized boolean markUsed(long address) {
    return allocator(address).markUsed(SlotAddress.slot(address));
  }

  public synchronized void seal() {
    for (Device d : devices) {
      allocators[d.ordinal()].seal();
    }
  }

  public synchronized void releaseSealed() {
    for (Device d : devices) {
      allocators[d.ordinal()].releaseSealed();
    }
  }

  /** Makes every completed slot write on every device durable. */
  public void forceAll() throws IOException {
    for (Device d : devices) {
      d.force();
    }
    syncs.incrementAndGet();
  }

  /** How many times every device was synced. */
  public long syncs() {
    return syncs.get();
  }

  public synchronized List<DeviceUsage> usage() {
    List<DeviceUsage> out = new ArrayList<>(devices.size());
    for (Device d : devices) {
      SlotAllocator a = allocators[d.ordinal()];
      out.add(new DeviceUsage(d.label().deviceId().toString(), d.path(), a.slots() * BLOCK, a.referenced() * BLOCK,
          d.checksumFailures(), d.repairs(), d.ioErrors()));
    }
    return out;
  }

  private SlotAllocator allocator(long address) {
    device(SlotAddress.ordinal(address));
    return allocators[SlotAddress.ordinal(address)];
  }

  @Override
  public void close() {
    IOException first = null;
    for (Device d : devices) {
      try {
        d.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw new StoreIOException("closing devices failed: " + first.getMessage(), first);
    }
  }
}
