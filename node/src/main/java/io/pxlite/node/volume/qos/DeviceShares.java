package io.pxlite.node.volume.qos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Shares this node's I/O among the volumes using it by their weights (io_priority), and only while
 * they contend: a volume alone is never held back (work-conserving). While two or more have requests
 * in flight, at most {@code window} requests run at once and the next free place goes to the waiting
 * volume with the smallest pass (stride scheduling: a volume's pass grows by cost / weight per
 * request), so backlogged volumes complete requests in the ratio of their weights, whatever the
 * latency of the path behind. A volume that was idle starts at the current pass, so idling earns no
 * credit. Thread-safe; its lock is held only to count and pick.
 */
public final class DeviceShares {
  private final int window;
  private final Set<Share> active = new HashSet<>();
  private int inFlight;
  private int waiting;
  private double virtualPass;

  /** @param window how many requests run at once while volumes contend */
  public DeviceShares(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("the share window needs at least one request, got " + window);
    }
    this.window = window;
  }

  /** One volume's (or one traffic class's) place in the shares. */
  public static final class Share {
    private final String name;
    private volatile double weight;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private double pass;

    public Share(String name, double weight) {
      this.name = name;
      setWeight(weight);
    }

    public void setWeight(double weight) {
      if (!(weight > 0)) {
        throw new IllegalArgumentException("share " + name + " needs a positive weight, got " + weight);
      }
      this.weight = weight;
    }

    public double weight() {
      return weight;
    }

    @Override
    public String toString() {
      return name + "(weight " + weight + ")";
    }
  }

  private record Pending(long cost, CompletableFuture<Void> admitted) {}

  /** Null when a request of {@code cost} for {@code share} may start now; else a future completed when it may. */
  public CompletableFuture<Void> admit(Share share, long cost) {
    synchronized (this) {
      if (!active.contains(share)) {
        active.add(share);
        share.pass = Math.max(share.pass, virtualPass);
      }
      boolean alone = active.size() == 1;
      if (waiting == 0 && (alone || inFlight < window)) {
        start(share, cost);
        return null;
      }
      CompletableFuture<Void> admitted = new CompletableFuture<>();
      share.queue.add(new Pending(cost, admitted));
      waiting++;
      return admitted;
    }
  }

  /** A request that {@link #admit} let start for {@code share} has completed. */
  public void finished(Share share) {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (this) {
      inFlight--;
      share.inFlight--;
      if (share.inFlight == 0 && share.queue.isEmpty()) {
        active.remove(share);
      }
      while (waiting > 0 && (inFlight < window || active.size() == 1)) {
        Share next = null;
        for (Share s : active) {
          if (!s.queue.isEmpty() && (next == null || s.pass < next.pass)) {
            next = s;
          }
        }
        Pending p = next.queue.poll();
        waiting--;
        start(next, p.cost());
        ready.add(p.admitted());
      }
    }
    // Outside the lock: completing runs the requests' next steps.
    ready.forEach(f -> f.complete(null));
  }

  /** Requests running now (admitted, not finished). */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Requests waiting for a place now. */
  public synchronized int waiting() {
    return waiting;
  }

  private void start(Share share, long cost) {
    inFlight++;
    share.inFlight++;
    virtualPass = share.pass;
    share.pass += cost / share.weight;
  }
}
