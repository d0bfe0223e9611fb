package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A change to a volume: {@code size} in PX's forms ({@code pxctl volume update}), {@code repl} the
 * number of replicas ({@code pxctl volume ha-update}); null = unchanged. {@code node}, with {@code repl},
 * names the node to add the replica on or remove it from ({@code ha-update --node}); null = by policy.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeUpdateRequest(String size, Integer repl, String node) {
  public VolumeUpdateRequest(String size) {
    this(size, null, null);
  }
}
