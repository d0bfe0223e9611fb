package io.pxlite.store;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps a freed slot from being reused while a read that looked it up in the index may still be
 * reading it. Reads hold the guard from index lookup to the end of their device reads; a checkpoint
 * waits for the reads in progress before it hands its sealed slots back to the allocator. Mutations
 * need no guard: they only read their own volume's live slots, under the volume's lock.
 */
final class ReclaimGuard {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  void enterRead() {
    lock.readLock().lock();
  }

  void exitRead() {
    lock.readLock().unlock();
  }

  /** Whether a checkpoint is waiting for reads to finish. */
  boolean hasWaitingCheckpoint() {
    return lock.hasQueuedThreads();
  }

  /** Returns once every read that entered before this call has exited. */
  void awaitReaders() {
    lock.writeLock().lock();
    lock.writeLock().unlock();
  }
}
