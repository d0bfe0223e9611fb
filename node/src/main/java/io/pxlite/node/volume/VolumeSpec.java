package io.pxlite.node.volume;

import io.pxlite.api.IoLimits;
import io.pxlite.node.volume.schedule.SnapSchedule;
import java.util.List;
import java.util.Map;

/**
 * A validated volume specification: what a user asked for, with defaults filled in. {@code nodes}
 * are the nodes its replicas must go on (at most {@code repl}; empty: placed by free space);
 * {@code schedules} its snapshot schedules ({@code snap_interval} is a periodic one).
 */
public record VolumeSpec(long sizeBytes, int repl, String fs, int blockSize, String ioPriority, int snapInterval,
    Map<String, String> labels, List<String> nodes, IoLimits limits, List<SnapSchedule> schedules) {
  public VolumeSpec {
    labels = Map.copyOf(labels);
    nodes = List.copyOf(nodes);
    schedules = List.copyOf(schedules);
  }
}
