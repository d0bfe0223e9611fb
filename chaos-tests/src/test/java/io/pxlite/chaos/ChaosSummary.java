package io.pxlite.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The suite's result table: one row per fault scenario (what was injected, writes acknowledged
 * meanwhile, bytes read back and checked, acknowledged writes lost, the longest stall, how long a
 * restarted node took to serve), and a total. Printed to stdout
 * when the whole test run ends and written to {@code chaos-tests/target/chaos-summary.txt}
 * (system property {@code pxlite.chaos.summary}).
 *
 * <p>A test fills its row through {@link #row()}; the extension opens the row before the test and
 * closes it after, with "ok" or the failure, so a failed scenario still shows what it saw.
 */
public final class ChaosSummary implements BeforeAllCallback, BeforeTestExecutionCallback, AfterTestExecutionCallback {
  private static final List<Row> ROWS = new ArrayList<>();
  private static Row current;
  private static boolean anyFailed;

  /** One scenario's numbers; the test adds to them as it goes. */
  public static final class Row {
    final String test;
    String fault = "";
    long injected;
    long acked;
    long bytesVerified;
    long lost;
    long longestStallMillis = -1;
    /** The longest time a restarted node took from its process start to its first served NBD read. */
    long serveAfterRestartMillis = -1;
    String result = "running";
    final long startNanos = System.nanoTime();
    long seconds;

    Row(String test) {
      this.test = test;
    }

    public Row fault(String name) {
      this.fault = name;
      return this;
    }

    public Row injected(long n) {
      injected += n;
      return this;
    }

    public Row acked(long n) {
      acked += n;
      return this;
    }

    /** Bytes read back and checked, and how many blocks held less than their acknowledged version (or garbage). */
    public Row verified(long bytes, long lostBlocks) {
      bytesVerified += bytes;
      lost += lostBlocks;
      return this;
    }

    public Row stall(long millis) {
      longestStallMillis = Math.max(longestStallMillis, millis);
      return this;
    }

    /** A restarted node served its first NBD read this long after its process started (the longest counts). */
    public Row servedAfterRestart(long millis) {
      serveAfterRestartMillis = Math.max(serveAfterRestartMillis, millis);
      return this;
    }
  }

  /** The row of the test running now. */
  public static synchronized Row row() {
    if (current == null) {
      throw new IllegalStateException("no chaos test is running (is the class annotated @ExtendWith(ChaosSummary.class)?)");
    }
    return current;
  }

  /** Prints a step of the running scenario with the seconds since it started. */
  public static void step(String format, Object... args) {
    Row r;
    synchronized (ChaosSummary.class) {
      r = current;
    }
    double at = r == null ? 0 : (System.nanoTime() - r.startNanos) / 1e9;
    System.out.printf(Locale.ROOT, "chaos [%6.1f s] %s%n", at, String.format(Locale.ROOT, format, args));
  }

  /** A {@link System#nanoTime()} instant as the running scenario's clock that {@link #step} prints ("12.3 s"). */
  public static String when(long nanos) {
    Row r;
    synchronized (ChaosSummary.class) {
      r = current;
    }
    return r == null || nanos == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", (nanos - r.startNanos) / 1e9);
  }

  /** Whether any chaos test failed so far (to keep its cluster's logs on disk). */
  public static synchronized boolean anyFailed() {
    return anyFailed;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Closed when the whole run ends (the root context), after every test class.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(ChaosSummary.class.getName() + ".printer", k -> new Printer(), Printer.class);
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    synchronized (ChaosSummary.class) {
      current = new Row(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
      current.fault = context.getDisplayName();
    }
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    synchronized (ChaosSummary.class) {
      Row r = current;
      current = null;
      if (r == null) {
        return;
      }
      r.seconds = (System.nanoTime() - r.startNanos) / 1_000_000_000L;
      if (context.getExecutionException().isPresent()) {
        anyFailed = true;
        String message = String.valueOf(context.getExecutionException().get().getMessage()).replaceAll("\\s+", " ");
        r.result = "FAILED: " + (message.length() > 160 ? message.substring(0, 160) + "..." : message);
      } else {
        r.result = "ok";
      }
      ROWS.add(r);
    }
  }

  /** The table as text. */
  static synchronized String table() {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"fault", "injected", "writes acked", "bytes verified", "lost", "longest stall",
        "serve after restart", "time", "result"});
    long injected = 0;
    long acked = 0;
    long bytes = 0;
    long lost = 0;
    long seconds = 0;
    for (Row r : ROWS) {
      lines.add(new String[] {r.fault, Long.toString(r.injected), Long.toString(r.acked), bytes(r.bytesVerified),
          Long.toString(r.lost), r.longestStallMillis < 0 ? "-" : r.longestStallMillis + " ms",
          r.serveAfterRestartMillis < 0 ? "-" : r.serveAfterRestartMillis + " ms", r.seconds + " s", r.result});
      injected += r.injected;
      acked += r.acked;
      bytes += r.bytesVerified;
      lost += r.lost;
      seconds += r.seconds;
    }
    long failed = ROWS.stream().filter(r -> !r.result.equals("ok")).count();
    lines.add(new String[] {"total (" + ROWS.size() + " scenarios)", Long.toString(injected), Long.toString(acked), bytes(bytes),
        Long.toString(lost), "", "", seconds + " s", failed == 0 ? "ok" : failed + " failed"});
    int[] width = new int[lines.get(0).length];
    for (String[] l : lines) {
      for (int i = 0; i < l.length; i++) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    StringBuilder out = new StringBuilder("pxlite chaos summary\n");
    for (int n = 0; n < lines.size(); n++) {
      String[] l = lines.get(n);
      if (n == lines.size() - 1 || n == 1) {
        out.append(separator(width)).append('\n');
      }
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < l.length; i++) {
        boolean left = i == 0 || i == l.length - 1;
        line.append(' ').append(left ? pad(l[i], width[i], true) : pad(l[i], width[i], false)).append(" |");
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static String separator(int[] width) {
    StringBuilder s = new StringBuilder("|");
    for (int w : width) {
      s.append("-".repeat(w + 2)).append('|');
    }
    return s.toString();
  }

  private static String pad(String s, int width, boolean left) {
    String fill = " ".repeat(width - s.length());
    return left ? s + fill : fill + s;
  }

  private static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
  }

  /** Prints and writes the table when the run ends (JUnit closes AutoCloseable values of the root store). */
  private static final class Printer implements AutoCloseable {
    @Override
    public void close() {
      String table = table();
      System.out.println();
      System.out.println(table);
      Path file = Path.of(System.getProperty("pxlite.chaos.summary", "target/chaos-summary.txt"));
      try {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, table);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
  }
}
