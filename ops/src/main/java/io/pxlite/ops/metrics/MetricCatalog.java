package io.pxlite.ops.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics table of {@code ops/METRICS.md} (packaged beside this class), read once: each metric's
 * meaning and unit become its Prometheus HELP text, so the table operators read and what
 * {@code /metrics} says cannot drift apart.
 */
public final class MetricCatalog {
  private static final String RESOURCE = "METRICS.md";
  /** A table row: | `name` | type | unit | labels | meaning | */
  private static final Pattern ROW = Pattern.compile(
      "^\\| `([a-z_:][a-z0-9_:]*)` \\| ([a-z]+) \\| ([^|]*) \\| ([^|]*) \\| (.*) \\|$");

  private static final MetricCatalog INSTANCE = load();

  private final Map<String, String> help;

  private MetricCatalog(Map<String, String> help) {
    this.help = Collections.unmodifiableMap(help);
  }

  public static MetricCatalog get() {
    return INSTANCE;
  }

  /** The HELP text of {@code family} (counters by their name with {@code _total}), if the table has it. */
  public Optional<String> help(String family) {
    return Optional.ofNullable(help.get(family));
  }

  /** Every documented metric's name. */
  public java.util.Set<String> names() {
    return help.keySet();
  }

  private static MetricCatalog load() {
    try (InputStream in = MetricCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("METRICS.md is not packaged beside " + MetricCatalog.class.getName());
      }
      Map<String, String> help = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        Matcher row = ROW.matcher(line.strip());
        if (row.matches()) {
          String unit = row.group(3).strip();
          help.put(row.group(1), row.group(5).strip().replace("`", "") + (unit.isEmpty() ? "" : " (" + unit + ")"));
        }
      }
      return new MetricCatalog(help);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read METRICS.md from the classpath", e);
    }
  }
}
