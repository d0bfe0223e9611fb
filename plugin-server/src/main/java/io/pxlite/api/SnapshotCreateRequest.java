package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A request to snapshot {@code volume} (name or id); {@code name} is optional. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SnapshotCreateRequest(String volume, String name) {}
