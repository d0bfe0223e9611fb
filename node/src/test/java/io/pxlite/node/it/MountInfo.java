package io.pxlite.node.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What is mounted where, as the kernel says in /proc/self/mountinfo (this test JVM's mount namespace). */
public final class MountInfo {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");

  private MountInfo() {}

  /** Every mount point, in mount order; a path mounted twice appears twice. */
  public static List<Path> mountPoints() {
    try {
      // Fields: id parent major:minor root mount-point options ...; spaces in paths are written \040.
      return Files.readAllLines(MOUNTINFO).stream()
          .map(line -> line.split(" ")[4])
          .map(MountInfo::unescape)
          .map(Path::of)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean isMountPoint(Path path) {
    return mountPoints().contains(path.toAbsolutePath().normalize());
  }

  /** Mount points at or below {@code dir}. */
  public static List<Path> under(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    return mountPoints().stream().filter(p -> p.startsWith(d)).toList();
  }

  private static String unescape(String field) {
    Matcher m = OCTAL.matcher(field);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
    }
    return m.appendTail(out).toString();
  }
}
