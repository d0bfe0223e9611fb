package org.apache.ratis.util;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.util.function.CheckedRunnable;
import org.slf4j.Logger;

/**
 * pxlite's stand-in for Ratis' interface of this name: the same API, but {@link #getInstance} hands
 * out Ratis' {@link TimeoutScheduler} (a {@code ScheduledThreadPoolExecutor}, timed by the monotonic
 * clock) instead of its {@code TimeoutTimer}.
 *
 * <p>Why: {@code TimeoutTimer} runs on {@code java.util.Timer}, which times tasks by the wall clock.
 * When the wall clock steps back (NTP, an operator), every task pending then waits that much longer:
 * a client's retry 100 ms away waited an hour after a one-hour step back in {@code ClockJumpIT}, and
 * a new volume's first write timed out. Ratis schedules every client retry and request timeout, the
 * leader's watch, read-index and leadership-transfer timeouts and the log appenders' timeouts through
 * this interface, so all of them stay on time.
 *
 * <p>How: as for {@link PureJavaCrc32C}, journal's jar comes first on the class path
 * ({@code bin/pxlite-node}, the test launchers); {@code io.pxlite.journal.RatisStandIns} reports
 * at start-up whether these stand-ins are the ones loaded.
 */
public interface TimeoutExecutor {
  /** As in Ratis' interface (its {@code TimeoutTimer} sizes its pool by it). */
  int MAXIMUM_POOL_SIZE = 8;

  static TimeoutExecutor getInstance() {
    return TimeoutScheduler.getInstance();
  }

  /** @return the number of scheduled but not completed timeout tasks. */
  int getTaskCount();

  /** Runs {@code task} once {@code timeout} has passed; an error it throws goes to {@code errorHandler}. */
  <THROWABLE extends Throwable> void onTimeout(
      TimeDuration timeout, CheckedRunnable<THROWABLE> task, Consumer<THROWABLE> errorHandler);

  /** Runs {@code task} once {@code timeout} has passed, logging an error it throws. */
  default void onTimeout(TimeDuration timeout, CheckedRunnable<?> task, Logger log, Supplier<String> errorMessage) {
    onTimeout(timeout, task, t -> log.error(errorMessage.get(), t));
  }
}
