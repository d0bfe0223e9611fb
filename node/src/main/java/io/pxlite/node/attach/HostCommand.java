package io.pxlite.node.attach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short host tool (losetup, mkfs, mount, ...) to completion with a deadline, capturing its
 * output so a failure can say what the tool said.
 */
final class HostCommand {
  /** The outcome of one run; {@code output} is stdout and stderr together. */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** @throws AttachException naming the command and quoting its output unless it succeeded */
    Result orThrow(String what) {
      if (!ok()) {
        throw new AttachException(what + ": `" + String.join(" ", command) + "` exited " + exitCode
            + (output.isBlank() ? "" : ": " + output.strip()));
      }
      return this;
    }
  }

  private HostCommand() {}

  static Result run(Duration deadline, String... command) {
    List<String> argv = List.of(command);
    Path output;
    try {
      output = Files.createTempFile("pxlite-cmd", ".out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      // Output goes to a file: a pipe nobody drains would block a chatty tool.
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AttachException("`" + String.join(" ", argv) + "` did not finish within " + deadline.toSeconds() + " s");
      }
      return new Result(argv, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AttachException("cannot run " + command[0] + " (is it installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttachException("interrupted while running " + command[0], e);
    } finally {
      try {
        Files.deleteIfExists(output);
      } catch (IOException e) {
        // A leftover temp file is harmless; the command's result matters more.
      }
    }
  }
}
