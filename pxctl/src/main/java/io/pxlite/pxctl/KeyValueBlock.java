package io.pxlite.pxctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** An inspect-style block, one {@code Key  :  value} per line with the colons aligned, as PX prints. */
final class KeyValueBlock {
  private record Line(String key, String value) {}

  private final List<Line> lines = new ArrayList<>();

  KeyValueBlock add(String key, Object value) {
    lines.add(new Line(key, String.valueOf(value)));
    return this;
  }

  void print(PrintWriter out, String indent) {
    int width = lines.stream().mapToInt(l -> l.key().length()).max().orElse(0);
    for (Line line : lines) {
      out.println(indent + line.key() + " ".repeat(width - line.key().length()) + "  :  " + line.value());
    }
  }
}
