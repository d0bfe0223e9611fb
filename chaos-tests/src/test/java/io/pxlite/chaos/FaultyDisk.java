package io.pxlite.chaos;

import io.pxlite.node.it.Cmd;
import io.pxlite.node.it.Poll;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real ext4 file system on a disk that can lose power or be slow, or a raw disk that fails, for
 * fault injection. The kernel
 * here has neither nbd nor device-mapper, so the disk is built from user-space parts: nbdkit serves a
 * sparse backing file over a Unix socket (with {@code --filter=cache cache=writeback} it holds written
 * blocks in its own memory until a flush, like a disk's volatile write cache; with
 * {@code --filter=delay} every write takes a fixed time; with {@code --filter=error} requests fail
 * while a switch file exists), nbdfuse shows that export as the file
 * {@code <fuse>/nbd}, and a loop device (direct I/O, so the page cache does not hide the disk's cache)
 * carries the file system, mounted on {@link #mount()}.
 *
 * <p>{@link #cut()} is a power cut: nbdkit is SIGKILLed, so the writes the file system was not told
 * were durable (no flush yet) are gone, as from a disk that loses its cache. {@link #restore()} takes
 * the dead stack down, serves the same backing file again, runs {@code e2fsck -fy} and mounts it.
 * Needs root, /dev/fuse, loop devices and the Debian packages nbdkit, nbdfuse, fuse3, e2fsprogs and
 * util-linux.
 */
final class FaultyDisk implements AutoCloseable {
  private static final Duration CMD = Duration.ofSeconds(60);

  private final Path dir;
  private final Path backing;
  private final Path socket;
  private final Path fuse;
  private final Path mount;
  /** nbdkit's --filter words and the filters' key=value parameters. */
  private final List<String> filters;
  private final List<String> params;
  /** Whether a loop device and ext4 sit on the exported file; a raw disk is the file itself. */
  private final boolean fileSystem;
  private Process nbdkit;
  private Process nbdfuse;
  private String loop;
  /** e2fsck's exit code at each {@link #restore()}, in order. */
  private final List<Integer> fsckCodes = new ArrayList<>();

  private FaultyDisk(Path dir, List<String> filters, List<String> params, boolean fileSystem) {
    this.fileSystem = fileSystem;
    this.dir = dir;
    this.backing = dir.resolve("backing.img");
    this.socket = dir.resolve("nbdkit.sock");
    this.fuse = dir.resolve("fuse");
    this.mount = dir.resolve("mnt");
    this.filters = filters;
    this.params = params;
  }

  /** A disk whose unflushed writes a {@link #cut()} loses. */
  static FaultyDisk withWriteCache(Path dir, String size) {
    return create(dir, size, List.of("--filter=cache"), List.of("cache=writeback"), true);
  }

  /**
   * A raw disk (the exported file itself, no loop device or file system, like a block device given
   * to a node whole) whose writes, and separately reads, fail with EIO while switched on
   * ({@link #failWrites}, {@link #failReads}): nbdkit's error filter, which looks for its
   * {@code error-*-file} on every request. nbdfuse passes each request through, so the failure
   * reaches the caller's own pwrite or pread.
   */
  static FaultyDisk failing(Path dir, String size) {
    return create(dir, size, List.of("--filter=error"), List.of(
        "error-pwrite=EIO", "error-pwrite-rate=100%", "error-pwrite-file=" + dir.resolve("fail-writes"),
        "error-pread=EIO", "error-pread-rate=100%", "error-pread-file=" + dir.resolve("fail-reads")), false);
  }

  /** The raw disk's file (for {@link #failing} disks). */
  Path file() {
    return fuse.resolve("nbd");
  }

  /** Makes every write from now on fail with EIO, or succeed again. */
  void failWrites(boolean on) {
    toggle(dir.resolve("fail-writes"), on);
  }

  /**
   * Makes every read from now on fail with EIO, or succeed again. Switching on also drops the file's
   * pages from the page cache ({@code dd iflag=nocache count=0}), which would otherwise serve reads of
   * blocks read or written before without asking the disk.
   */
  void failReads(boolean on) {
    toggle(dir.resolve("fail-reads"), on);
    if (on) {
      Cmd.run(CMD, "dd", "if=" + file(), "iflag=nocache", "count=0").ok();
    }
  }

  private static void toggle(Path flag, boolean on) {
    try {
      if (on) {
        Files.writeString(flag, "");
      } else {
        Files.deleteIfExists(flag);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot switch " + flag, e);
    }
  }

  /** A disk on which each write request takes {@code perWrite} (nbdkit's delay filter; no cache). */
  static FaultyDisk slow(Path dir, String size, Duration perWrite) {
    return create(dir, size, List.of("--filter=delay"), List.of("delay-write=" + perWrite.toMillis() + "ms"), true);
  }

  private static FaultyDisk create(Path dir, String size, List<String> filters, List<String> params,
      boolean fileSystem) {
    FaultyDisk d = new FaultyDisk(dir, filters, params, fileSystem);
    try {
      if (Files.exists(dir)) {
        if (Files.readString(Path.of("/proc/mounts")).contains(" " + dir.toAbsolutePath() + "/")) {
          throw new IllegalStateException(dir + " holds a mounted leftover of an earlier run: unmount it first");
        }
        deleteTree(dir);
      }
      Files.createDirectories(d.fuse);
      Files.createDirectories(d.mount);
      Cmd.run(CMD, "truncate", "-s", size, d.backing.toString()).ok();
      d.serve();
      if (fileSystem) {
        Cmd.run(CMD, "mkfs.ext4", "-q", "-E", "lazy_itable_init=0,lazy_journal_init=0", d.loop).ok();
        Cmd.run(CMD, "mount", d.loop, d.mount.toString()).ok();
      }
      return d;
    } catch (IOException e) {
      d.close();
      throw new UncheckedIOException("cannot make a test disk in " + dir, e);
    } catch (RuntimeException | AssertionError e) {
      d.close();
      throw e;
    }
  }

  /** The mounted file system's root. */
  Path mount() {
    return mount;
  }

  /** e2fsck's exit code at each restore so far. */
  List<Integer> fsckCodes() {
    return List.copyOf(fsckCodes);
  }

  /** Power cut: nbdkit dies with the writes it held unflushed; the file system sees I/O errors from now on. */
  void cut() {
    if (nbdkit == null || !nbdkit.isAlive()) {
      throw new IllegalStateException("the disk in " + dir + " is not powered");
    }
    kill(nbdkit);
  }

  /**
   * Power back: the dead stack is taken down, the same backing file served again, checked with
   * {@code e2fsck -fy} (exit 0-2: clean or repaired; anything else fails) and mounted.
   *
   * @return e2fsck's exit code
   */
  int restore() {
    takeDown();
    serve();
    Cmd.Result fsck = Cmd.run(Duration.ofMinutes(2), "e2fsck", "-fy", loop);
    fsckCodes.add(fsck.exitCode());
    if (fsck.exitCode() > 2) {
      throw new AssertionError("e2fsck -fy " + loop + " (" + backing + ") after a power cut exited " + fsck.exitCode()
          + " (uncorrected errors):\n" + fsck.output());
    }
    Cmd.run(CMD, "mount", loop, mount.toString()).ok();
    return fsck.exitCode();
  }

  private void serve() {
    try {
      Files.deleteIfExists(socket);
      List<String> cmd = new ArrayList<>(List.of("nbdkit", "--foreground", "--unix", socket.toString()));
      cmd.addAll(filters);
      cmd.addAll(List.of("file", backing.toString()));
      cmd.addAll(params);
      nbdkit = spawn(cmd, dir.resolve("nbdkit.log"));
      Poll.until(Duration.ofSeconds(20), "nbdkit to listen on " + socket, () -> {
        alive(nbdkit, "nbdkit", "nbdkit.log");
        return Files.exists(socket);
      });
      // allow_other: FUSE lets only the mounting user and group in, and each chaos node runs under a
      // group id of its own.
      nbdfuse = spawn(List.of("nbdfuse", "-o", "allow_other", fuse.toString(), "nbd+unix:///?socket=" + socket),
          dir.resolve("nbdfuse.log"));
      Poll.until(Duration.ofSeconds(20), "nbdfuse to show " + fuse.resolve("nbd"), () -> {
        alive(nbdfuse, "nbdfuse", "nbdfuse.log");
        return mounted(fuse) && Files.exists(fuse.resolve("nbd"));
      });
      if (fileSystem) {
        loop = Cmd.run(CMD, "losetup", "--direct-io=on", "--find", "--show", fuse.resolve("nbd").toString()).ok()
            .output().trim();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + backing, e);
    }
  }

  /** Unmounts and detaches everything above the backing file, in order, whether or not nbdkit still runs. */
  private void takeDown() {
    List<String> failures = new ArrayList<>();
    if (mounted(mount)) {
      // A file system whose disk died may refuse a normal unmount; a lazy one always detaches it.
      if (Cmd.run(CMD, "umount", mount.toString()).exitCode() != 0) {
        Cmd.Result lazy = Cmd.run(CMD, "umount", "-l", mount.toString());
        if (lazy.exitCode() != 0) {
          failures.add("umount -l " + mount + ": " + lazy.output());
        }
      }
    }
    if (loop != null) {
      Cmd.Result r = Cmd.run(CMD, "losetup", "-d", loop);
      if (r.exitCode() != 0 && !r.output().contains("No such device")) {
        failures.add("losetup -d " + loop + ": " + r.output());
      }
      loop = null;
    }
    if (mounted(fuse)) {
      Cmd.Result r = Cmd.run(CMD, "fusermount3", "-u", fuse.toString());
      if (r.exitCode() != 0) {
        Cmd.Result lazy = Cmd.run(CMD, "fusermount3", "-uz", fuse.toString());
        if (lazy.exitCode() != 0) {
          failures.add("fusermount3 -u " + fuse + ": " + r.output() + " / -uz: " + lazy.output());
        }
      }
    }
    if (nbdfuse != null) {
      // It exits once unmounted; one whose server died may instead have aborted already.
      if (!waitExit(nbdfuse, Duration.ofSeconds(10))) {
        kill(nbdfuse);
      }
      nbdfuse = null;
    }
    if (nbdkit != null) {
      if (nbdkit.isAlive()) {
        nbdkit.destroy();
        if (!waitExit(nbdkit, Duration.ofSeconds(10))) {
          kill(nbdkit);
        }
      }
      nbdkit = null;
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("taking down the test disk in " + dir + " left: " + failures);
    }
  }

  /** Unmounts and detaches everything and deletes the backing file; safe after any failure. */
  @Override
  public void close() {
    try {
      takeDown();
    } finally {
      try {
        Files.deleteIfExists(backing);
      } catch (IOException e) {
        System.err.println("chaos: could not delete " + backing + ": " + e.getMessage());
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean mounted(Path p) {
    try {
      String target = " " + p.toAbsolutePath() + " ";
      return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/mounts", e);
    }
  }

  private Process spawn(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private void alive(Process p, String what, String log) {
    if (!p.isAlive()) {
      String tail;
      try {
        tail = Files.readString(dir.resolve(log));
      } catch (IOException e) {
        tail = "(no log: " + e.getMessage() + ")";
      }
      throw new AssertionError(what + " for " + backing + " exited " + p.exitValue() + ": " + tail);
    }
  }

  private static void kill(Process p) {
    p.destroyForcibly();
    if (!waitExit(p, Duration.ofSeconds(30))) {
      throw new AssertionError("process " + p.pid() + " did not die of SIGKILL within 30 s");
    }
  }

  private static boolean waitExit(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for process " + p.pid(), e);
    }
  }
}
