package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A snapshot: a frozen, read-only image of a volume, readable as its own NBD export. {@code volume} is
 * its parent; {@code creator} says who made it: {@code manual}, {@code clone} (the instant a clone of
 * a live volume copies), or {@code schedule (daily)}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SnapshotView(
    String id, String name, String volume, String volumeId, long sizeBytes, String ctime, String nbdUri,
    String creator) {}
