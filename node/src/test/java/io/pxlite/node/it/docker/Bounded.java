package io.pxlite.node.it.docker;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one blocking Docker call with a deadline. docker-java calls have no overall timeout of their
 * own, and some (stop, exec) can block for as long as a volume's device or the plugin does not
 * answer; a test must fail then, not hang.
 */
final class Bounded {
  private Bounded() {}

  static <T> T call(Duration limit, String what, Callable<T> action) {
    FutureTask<T> task = new FutureTask<>(action);
    Thread thread = new Thread(task, "bounded: " + what);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new AssertionError(what + " did not finish within " + limit);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new AssertionError(what + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted during " + what, e);
    }
  }

  static void run(Duration limit, String what, Runnable action) {
    call(limit, what, () -> {
      action.run();
      return null;
    });
  }
}
