package io.pxlite.ops.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A metric's name in the node's Dropwizard registry: its Prometheus family and labels in one string,
 * {@code family{label=value,label=value}}. Dropwizard names are flat strings; this keeps what a
 * series is about (a volume, a group, a device) inside the name, so one registry serves every layer
 * and {@link TaggedNameMapper} can turn the tags back into Prometheus labels.
 *
 * <p>Values are percent-encoded where they hold {@code % , = { }}, so any device path or group name
 * survives the round trip.
 *
 * @param family the Prometheus metric name, counters with their {@code _total}
 * @param labels label names to values, in the order given
 */
public record MetricName(String family, Map<String, String> labels) {
  public MetricName {
    if (!family.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + family + "'");
    }
    for (String label : labels.keySet()) {
      if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IllegalArgumentException("not a Prometheus label name: '" + label + "' in " + family);
      }
    }
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** The registry name of {@code family} with {@code labelsAndValues} = label, value, label, value… */
  public static String of(String family, String... labelsAndValues) {
    if (labelsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs, got " + labelsAndValues.length + " strings");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < labelsAndValues.length; i += 2) {
      labels.put(labelsAndValues[i], labelsAndValues[i + 1]);
    }
    return new MetricName(family, labels).toString();
  }

  /** Reads a registry name back; a name without braces is a family with no labels. */
  public static MetricName parse(String registryName) {
    int open = registryName.indexOf('{');
    if (open < 0) {
      return new MetricName(registryName, Map.of());
    }
    if (!registryName.endsWith("}")) {
      throw new IllegalArgumentException("tagged metric name does not end in '}': " + registryName);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    String body = registryName.substring(open + 1, registryName.length() - 1);
    if (!body.isEmpty()) {
      for (String pair : body.split(",", -1)) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("label without '=' in metric name " + registryName);
        }
        labels.put(pair.substring(0, eq), decode(pair.substring(eq + 1)));
      }
    }
    return new MetricName(registryName.substring(0, open), labels);
  }

  @Override
  public String toString() {
    if (labels.isEmpty()) {
      return family;
    }
    StringBuilder name = new StringBuilder(family).append('{');
    String separator = "";
    for (Map.Entry<String, String> label : labels.entrySet()) {
      name.append(separator).append(label.getKey()).append('=').append(encode(label.getValue()));
      separator = ",";
    }
    return name.append('}').toString();
  }

  private static String encode(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      if (c == '%' || c == ',' || c == '=' || c == '{' || c == '}') {
        out.append('%').append(String.format("%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        // Only the ASCII characters encode() escapes are ever encoded.
        out.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
