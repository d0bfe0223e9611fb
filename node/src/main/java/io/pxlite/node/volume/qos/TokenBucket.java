package io.pxlite.node.volume.qos;

/**
 * A token bucket: {@code rate} tokens a second, holding at most {@link #BURST_SECONDS} of them, so a
 * client idle for a while may go briefly faster but not for long. A request costing more than the
 * bucket holds may start once the bucket is full and leaves it in debt, which later requests wait
 * out: the rate holds on average for requests of any size. Not thread-safe; its owner locks.
 */
final class TokenBucket {
  /** How much of its rate a bucket keeps for a burst. */
  static final double BURST_SECONDS = 0.1;

  private double tokensPerNano;
  private double capacity;
  private double tokens;
  private long refilledAt;

  /** @param ratePerSecond 0 = unlimited */
  TokenBucket(long ratePerSecond, long nowNanos) {
    refilledAt = nowNanos;
    setRate(ratePerSecond, nowNanos);
    tokens = capacity;
  }

  boolean unlimited() {
    return tokensPerNano == 0;
  }

  /**
   * Changes the rate from now on; the tokens saved so far are kept, up to the new capacity (a bucket
   * that was unlimited starts full).
   */
  void setRate(long ratePerSecond, long nowNanos) {
    refill(nowNanos);
    boolean wasUnlimited = unlimited();
    tokensPerNano = ratePerSecond / 1e9;
    capacity = Math.max(1, ratePerSecond * BURST_SECONDS);
    tokens = wasUnlimited ? capacity : Math.min(tokens, capacity);
  }

  /** Nanoseconds until a request of {@code cost} may take its tokens; 0 = now. */
  long waitNanos(long cost, long nowNanos) {
    if (unlimited()) {
      return 0;
    }
    refill(nowNanos);
    double needed = Math.min(cost, capacity);
    return tokens >= needed ? 0 : (long) Math.ceil((needed - tokens) / tokensPerNano);
  }

  /** Takes {@code cost} tokens; call only when {@link #waitNanos} said 0. */
  void take(long cost) {
    if (!unlimited()) {
      tokens -= cost;
    }
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - refilledAt;
    refilledAt = nowNanos;
    if (elapsed > 0 && !unlimited()) {
      tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
    }
  }
}
