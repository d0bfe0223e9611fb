package io.pxlite.node.volume;

import java.util.Map;

/** A validated volume specification: what a user asked for, with defaults filled in. */
public record VolumeSpec(
    long sizeBytes, int repl, String fs, int blockSize, String ioPriority, int snapInterval, Map<String, String> labels) {
  public VolumeSpec {
    labels = Map.copyOf(labels);
  }
}
