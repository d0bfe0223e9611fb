package io.pxlite.node.telemetry;

import io.pxlite.api.NodeView;
import io.pxlite.api.StatusView;
import io.pxlite.api.VolumeView;
import io.pxlite.journal.GroupState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's and cluster's state at one moment, as gauges and alerts read it.
 *
 * @param status the cluster summary; empty if it could not be read (then {@code problem} says why)
 * @param localVolumes volumes with a replica on this node, with their replicas' states
 * @param exportIds ids of every volume and snapshot in the catalog; empty if the catalog was unreadable
 * @param problem why part of the sample is missing, if it is
 */
record TelemetrySample(Instant time, Optional<StatusView> status, List<NodeView> nodes, List<VolumeView> localVolumes,
    Optional<Set<String>> exportIds, List<GroupState> groups, Optional<String> problem) {

  static TelemetrySample empty() {
    return new TelemetrySample(Instant.now(), Optional.empty(), List.of(), List.of(), Optional.empty(), List.of(),
        Optional.of("not sampled yet"));
  }
}
