package io.pxlite.node.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external program to completion with a deadline and captures what it printed. */
public final class Cmd {
  /** What a finished program left: its exit code and its output (stdout and stderr together). */
  public record Result(List<String> command, int exitCode, String output) {
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  private Cmd() {}

  public static Result run(Duration timeout, String... command) {
    return run(timeout, null, List.of(command));
  }

  public static Result run(Duration timeout, Path dir, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      var out = new java.io.ByteArrayOutputStream();
      Thread pump = new Thread(() -> {
        try {
          p.getInputStream().transferTo(out);
        } catch (IOException e) {
          // The process died; what it printed so far is in out.
        }
      });
      pump.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        pump.join(5000);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + out);
      }
      pump.join(5000);
      return new Result(List.copyOf(command), p.exitValue(), out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }
}
