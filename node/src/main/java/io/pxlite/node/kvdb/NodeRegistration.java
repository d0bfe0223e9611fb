package io.pxlite.node.kvdb;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node registered in the kvdb: its record under {@code nodes/}, and a leased key under
 * {@code alive/} that disappears when the node stops renewing it. When the kvdb goes away and comes
 * back, or the lease expired meanwhile, the next tick registers again by itself.
 */
public final class NodeRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistration.class);
  static final long LEASE_TTL_SECONDS = 10;
  static final long TICK_MILLIS = 2000;
  /** The record (free space, memory) is republished every this many ticks. */
  private static final int REPUBLISH_TICKS = 5;

  private final ClusterCatalog catalog;
  private final Supplier<NodeRecord> record;
  private final ScheduledExecutorService timer;
  private long leaseId;
  private boolean scheduled;
  private int ticks;
  private volatile boolean registered;
  private volatile String lastError;

  public NodeRegistration(ClusterCatalog catalog, Supplier<NodeRecord> record) {
    this.catalog = catalog;
    this.record = record;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kvdb-registration");
      t.setDaemon(true);
      return t;
    });
  }

  /** Registers now (failing if the kvdb is unreachable), then keeps the registration alive. */
  public synchronized void start() {
    register();
    scheduled = true;
    timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Keeps trying to register in the background, for a node that starts while the kvdb is away and
   * serves what it knows from its catalog cache meanwhile.
   */
  public synchronized void startInBackground() {
    if (!scheduled) {
      scheduled = true;
      timer.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  public boolean registered() {
    return registered;
  }

  /** The last kvdb error seen, or null once the registration is healthy again. */
  public String lastError() {
    return lastError;
  }

  private synchronized void register() {
    NodeRecord r = record.get();
    leaseId = 0;
    long lease = catalog.kvdb().grantLease(LEASE_TTL_SECONDS);
    catalog.kvdb().put(catalog.nodeKey(r.id()), catalog.write(r));
    catalog.kvdb().putWithLease(catalog.aliveKey(r.id()), r.updated(), lease);
    // Only a complete registration counts; a half-done one is redone from the start next tick.
    leaseId = lease;
    registered = true;
    lastError = null;
  }

  private synchronized void tick() {
    try {
      String id = record.get().id();
      if (catalog.isRemoved(id)) {
        // Registering again would bring back a node the cluster handed off: stay out, and say so.
        throw new IllegalStateException("node " + id + " was removed from the cluster (pxctl cluster delete) and"
            + " holds no replicas; stop it, and wipe its data dir to join again as a new node");
      }
      if (leaseId == 0 || !catalog.kvdb().renewLease(leaseId)) {
        LOG.info("registering node in the kvdb at {}", catalog.kvdb().endpoints());
        register();
      } else if (++ticks % REPUBLISH_TICKS == 0) {
        NodeRecord r = record.get();
        catalog.kvdb().put(catalog.nodeKey(r.id()), catalog.write(r));
      }
      if (lastError != null) {
        LOG.info("kvdb at {} reachable again", catalog.kvdb().endpoints());
        lastError = null;
      }
      // The lease may have outlived the outage: a successful renewal means registered again.
      registered = true;
    } catch (RuntimeException e) {
      if (lastError == null) {
        LOG.warn("{}; volumes keep serving I/O, management calls fail until it returns", e.getMessage());
      }
      lastError = e.getMessage();
      registered = false;
    }
  }

  /** Publishes the record again soon, off the caller's thread: something users must see changed. */
  public void republishSoon() {
    timer.execute(this::republish);
  }

  private synchronized void republish() {
    if (!registered) {
      return; // the next registration publishes the record anyway
    }
    try {
      NodeRecord r = record.get();
      catalog.kvdb().put(catalog.nodeKey(r.id()), catalog.write(r));
    } catch (RuntimeException e) {
      LOG.warn("could not publish this node's record: {}; the next tick tries again", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
