package io.pxlite.node.docker;

import io.pxlite.docker.DriverException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A name as Docker passes it: a plain volume name, or PX's inline spec such as
 * {@code size=10G,repl=3,name=demo}, which is recognised only when it has a {@code name=} part (so a
 * plain name containing '=' or ',' stays a plain name).
 *
 * @param volume the pxlite volume name
 * @param options the spec given inline (empty for a plain name)
 */
record DockerVolumeName(String volume, Map<String, String> options) {

  static DockerVolumeName parse(String dockerName) {
    if (dockerName == null || dockerName.isBlank()) {
      throw new DriverException("a volume name is required");
    }
    String[] parts = dockerName.split(",");
    boolean inline = false;
    for (String part : parts) {
      inline |= part.trim().startsWith("name=");
    }
    if (!inline) {
      return new DockerVolumeName(dockerName, Map.of());
    }
    Map<String, String> options = new LinkedHashMap<>();
    String name = null;
    for (String part : parts) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new DriverException("inline volume spec '" + dockerName + "': '" + part
            + "' is not key=value (e.g. size=10G,repl=2,name=demo)");
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("name")) {
        if (name != null) {
          throw new DriverException("inline volume spec '" + dockerName + "' gives 'name' twice");
        }
        name = value;
      } else if (options.put(key, value) != null) {
        throw new DriverException("inline volume spec '" + dockerName + "' gives '" + key + "' twice");
      }
    }
    if (name == null || name.isEmpty()) {
      throw new DriverException("inline volume spec '" + dockerName + "' has an empty name=");
    }
    return new DockerVolumeName(name, Map.copyOf(options));
  }

  /** The inline spec and Docker's {@code --opt}s together; the same key given differently is an error. */
  Map<String, String> mergedWith(Map<String, String> opts) {
    Map<String, String> merged = new LinkedHashMap<>(options);
    opts.forEach((k, v) -> {
      String inline = merged.get(k);
      if (inline != null && !inline.equals(v)) {
        throw new DriverException("volume " + volume + ": option '" + k + "' is " + inline + " in the name but " + v
            + " in --opt");
      }
      merged.put(k, v);
    });
    return merged;
  }
}
