package io.pxlite.node.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mounts visible to this process, from {@code /proc/self/mountinfo}. */
final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** One line of mountinfo: where, what, and from which device. */
  record Mount(String target, String fsType, String source) {}

  private MountTable() {}

  static List<Mount> read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(MOUNTINFO);
    } catch (IOException e) {
      throw new AttachException("cannot read " + MOUNTINFO + ": " + e.getMessage(), e);
    }
    return parse(lines);
  }

  /** Parses mountinfo lines; a line not in mountinfo's shape is skipped. */
  static List<Mount> parse(List<String> lines) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : lines) {
      // id parent major:minor root target options [optional...] - fstype source superoptions
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      if (fields.length < 5 || dash < 0 || dash + 2 >= fields.length) {
        continue;
      }
      mounts.add(new Mount(unescape(fields[4]), fields[dash + 1], unescape(fields[dash + 2])));
    }
    return mounts;
  }

  /** The mount at exactly {@code target}, the last one if several are stacked. */
  static Optional<Mount> at(Path target) {
    String t = target.toString();
    Mount found = null;
    for (Mount m : read()) {
      if (m.target().equals(t)) {
        found = m;
      }
    }
    return Optional.ofNullable(found);
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()
          && field.substring(i + 1, i + 4).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
