package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * A request to create a volume, as pxctl and the Docker plugin send it. Sizes are strings in PX's
 * forms ("10G", "512M", a bare number = GiB); {@code nodes} names the nodes to put replicas on
 * (ids separated by commas or semicolons, as PX's {@code --nodes}); {@code maxIops} and
 * {@code maxBandwidth} are PX's {@code R,W} limits (IOPS; MiB/s), one number for both; null fields take
 * the defaults. {@code periodic}, {@code daily}, {@code weekly} and {@code monthly} are PX's snapshot
 * schedules ({@code mins,keep}, {@code hh:mm,keep}, {@code weekday@hh:mm,keep}, {@code day@hh:mm,keep}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeCreateRequest(
    String name,
    String size,
    Integer repl,
    String fs,
    String blockSize,
    String ioPriority,
    Integer snapInterval,
    Map<String, String> labels,
    String nodes,
    String maxIops,
    String maxBandwidth,
    String periodic,
    String daily,
    String weekly,
    String monthly) {
  public VolumeCreateRequest(String name, String size, Integer repl, String fs, String blockSize, String ioPriority,
      Integer snapInterval, Map<String, String> labels) {
    this(name, size, repl, fs, blockSize, ioPriority, snapInterval, labels, null);
  }

  public VolumeCreateRequest(String name, String size, Integer repl, String fs, String blockSize, String ioPriority,
      Integer snapInterval, Map<String, String> labels, String nodes) {
    this(name, size, repl, fs, blockSize, ioPriority, snapInterval, labels, nodes, null, null);
  }

  public VolumeCreateRequest(String name, String size, Integer repl, String fs, String blockSize, String ioPriority,
      Integer snapInterval, Map<String, String> labels, String nodes, String maxIops, String maxBandwidth) {
    this(name, size, repl, fs, blockSize, ioPriority, snapInterval, labels, nodes, maxIops, maxBandwidth, null, null,
        null, null);
  }
}
