package io.pxlite.node.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Which loop devices exist and what files back them, read from sysfs. */
final class LoopDevices {
  private static final Path SYS_BLOCK = Path.of("/sys/block");

  private LoopDevices() {}

  /** The file backing {@code device} (e.g. /dev/loop3), if it is a configured loop device. */
  static Optional<String> backingFile(String device) {
    String name = Path.of(device).getFileName().toString();
    Path file = SYS_BLOCK.resolve(name).resolve("loop/backing_file");
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Every configured loop device and its backing file. */
  static Map<String, String> all() {
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> entries = Files.list(SYS_BLOCK)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("loop")).sorted().forEach(n -> {
        String device = "/dev/" + n;
        backingFile(device).ifPresent(f -> out.put(device, f));
      });
    } catch (IOException e) {
      throw new AttachException("cannot list loop devices in " + SYS_BLOCK + ": " + e.getMessage(), e);
    }
    return out;
  }
}
