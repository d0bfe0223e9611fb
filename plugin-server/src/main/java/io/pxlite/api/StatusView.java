package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code pxctl status}: this node, the cluster summary and health.
 *
 * @param health "healthy", or a short reason it is not (e.g. kvdb unreachable)
 * @param kvdbReachable whether this node can reach the kvdb right now
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StatusView(
    String clusterId,
    NodeView node,
    int nodesTotal,
    int nodesOnline,
    long clusterCapacityBytes,
    long clusterFreeBytes,
    List<String> kvdbEndpoints,
    boolean kvdbReachable,
    String health) {}
