package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A change to a volume ({@code pxctl volume update}); {@code size} in PX's forms, null = unchanged. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeUpdateRequest(String size) {}
