package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A request to bring a detached volume back to one of its snapshots ({@code snapshot}: name or id). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeRestoreRequest(String snapshot) {}
