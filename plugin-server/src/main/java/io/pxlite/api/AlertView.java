package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One alert ({@code pxctl alerts show}).
 *
 * @param kind checksum_errors, replica_degraded, replica_rebuilding, device_full, device_failed,
 *     kvdb_unreachable or node_offline
 * @param severity warning or critical
 * @param resourceType volume, device, node or cluster
 * @param resource the volume's name, the device's path, the node's id, or the cluster's id
 * @param since when this node first saw it (ISO-8601)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlertView(String kind, String severity, String resourceType, String resource, String message,
    String since) {}
