package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A request to clone a volume or snapshot into a new volume called {@code name}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeCloneRequest(String name) {}
