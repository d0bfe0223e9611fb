package io.pxlite.nbd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real NBD client (nbdinfo, nbdcopy, nbdsh, qemu-img, fio, ...) to completion under a timeout,
 * capturing its output in files so a chatty process can never block on a full pipe.
 */
final class ExternalCommand {
  /** What a finished process left behind; {@link #describe()} goes into assertion messages. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout
          + "\n--- stderr ---\n" + stderr;
    }
  }

  private ExternalCommand() {}

  /** Whether {@code program} is on the PATH (tests of an absent client are skipped, not failed). */
  static boolean installed(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fails the test, rather than skipping it, when a client it drives is missing: a skipped test on a
   * machine without the package would hide a missing install step (ops/debian-packages.txt).
   */
  static void require(String... programs) {
    for (String program : programs) {
      if (!installed(program)) {
        throw new AssertionError(program + " is not installed; bin/pxlite-packages installs the test clients");
      }
    }
  }

  static Result run(Duration timeout, List<String> command) {
    return run(timeout, command, Map.of());
  }

  static Result run(Duration timeout, List<String> command, Map<String, String> environment) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("nbd-it-", ".out");
      err = Files.createTempFile("nbd-it-", ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
            + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
      }
      return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    } finally {
      delete(out);
      delete(err);
    }
  }

  private static void delete(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }
}
