package io.pxlite.node.it.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import io.pxlite.node.it.Cmd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The one image the Docker tests run: Debian's static busybox and its applets, nothing else. It is
 * built here from /bin/busybox (package busybox-static), because this machine reaches no registry;
 * Testcontainers' helper containers use it too (testcontainers.properties).
 *
 * <p>Built {@code FROM scratch} with the root filesystem as a tar that {@code ADD} unpacks, rather
 * than imported with docker-java's {@code createImageCmd(repo, tarStream)}: through Testcontainers'
 * transport (docker-java 3.7.1) that call serializes the stream object as JSON instead of sending
 * its bytes, and dockerd answers "Error processing tar file: unexpected EOF". Building sends the
 * context as a raw stream, and needs no registry for {@code FROM scratch}.
 */
public final class TestImage {
  public static final String NAME = "pxlite-test/busybox:1";

  static final Path BUSYBOX = Path.of("/bin/busybox");
  /** Mount targets and scratch space; Docker mounts /proc, /sys, /dev and files in /etc over them. */
  private static final List<String> DIRS = List.of("bin", "data", "tmp", "proc", "sys", "dev", "etc");
  private static final int PT_INTERP = 3;

  private static boolean present;

  private TestImage() {}

  /** Builds the image unless the daemon already has it; returns its name. */
  public static synchronized String ensure(DockerClient docker) {
    if (present || exists(docker)) {
      present = true;
      return NAME;
    }
    requireStaticBusybox();
    String id = docker.buildImageCmd(new ByteArrayInputStream(buildContext()))
        .withTags(Set.of(NAME))
        .withPull(false)
        .withNetworkMode("none")
        .exec(new BuildImageResultCallback())
        .awaitImageId(2, TimeUnit.MINUTES);
    if (id == null || !exists(docker)) {
      throw new AssertionError("building " + NAME + " reported no error, but the daemon does not list it");
    }
    present = true;
    return NAME;
  }

  public static boolean exists(DockerClient docker) {
    try {
      docker.inspectImageCmd(NAME).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * A dynamically linked busybox (package busybox, not busybox-static) would build fine and then
   * fail in every container with a bare "no such file or directory", since the image has no libc.
   */
  private static void requireStaticBusybox() {
    if (!Files.isRegularFile(BUSYBOX)) {
      throw new AssertionError(BUSYBOX + " is missing: install busybox-static (bin/pxlite-packages); the Docker"
          + " tests build their image " + NAME + " from it");
    }
    if (hasInterpreter(BUSYBOX)) {
      throw new AssertionError(BUSYBOX + " is dynamically linked: install busybox-static (it replaces package"
          + " busybox); the image " + NAME + " has no libc");
    }
  }

  /** Whether a 64-bit little-endian ELF file names a program interpreter (PT_INTERP), i.e. is dynamic. */
  static boolean hasInterpreter(Path elf) {
    try (FileChannel ch = FileChannel.open(elf)) {
      ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(header, 0);
      if (header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
        throw new AssertionError(elf + " is not a 64-bit little-endian ELF executable");
      }
      long phoff = header.getLong(0x20);
      int phentsize = Short.toUnsignedInt(header.getShort(0x36));
      int phnum = Short.toUnsignedInt(header.getShort(0x38));
      ByteBuffer type = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < phnum; i++) {
        type.clear();
        ch.read(type, phoff + (long) i * phentsize);
        if (type.getInt(0) == PT_INTERP) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Dockerfile and the root filesystem it adds. */
  private static byte[] buildContext() {
    byte[] dockerfile = String.join("\n",
        "FROM scratch",
        "ADD rootfs.tar /",
        "ENV PATH=/bin",
        "").getBytes(StandardCharsets.UTF_8);
    byte[] rootfs = rootfsTar();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      for (var file : Map.of("Dockerfile", dockerfile, "rootfs.tar", rootfs).entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(file.getKey());
        e.setSize(file.getValue().length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The root filesystem: the directories, /bin/busybox and a symlink per applet it reports. */
  private static byte[] rootfsTar() {
    List<String> applets = Cmd.run(Duration.ofSeconds(30), BUSYBOX.toString(), "--list").ok().output().lines()
        .map(String::trim).filter(a -> !a.isEmpty() && !a.equals("busybox")).toList();
    if (!applets.contains("sh")) {
      throw new AssertionError(BUSYBOX + " --list names no sh applet:\n" + applets);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String dir : DIRS) {
        TarArchiveEntry e = new TarArchiveEntry(dir + "/");
        e.setMode(dir.equals("tmp") ? 01777 : 0755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
      TarArchiveEntry bin = new TarArchiveEntry(BUSYBOX.toFile(), "bin/busybox");
      bin.setMode(0755);
      tar.putArchiveEntry(bin);
      Files.copy(BUSYBOX, tar);
      tar.closeArchiveEntry();
      for (String applet : applets) {
        TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("busybox");
        link.setMode(0777);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
