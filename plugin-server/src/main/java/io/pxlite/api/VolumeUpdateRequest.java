package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A change to a volume: {@code size} in PX's forms ({@code pxctl volume update}), {@code repl} the
 * number of replicas ({@code pxctl volume ha-update}); null = unchanged. {@code node}, with {@code repl},
 * names the node to add the replica on or remove it from ({@code ha-update --node}); null = by policy.
 * {@code ioPriority}, {@code maxIops} and {@code maxBandwidth} change the volume's I/O policy while it
 * is in use (the same forms as at create; "0" lifts a limit). {@code periodic}, {@code daily},
 * {@code weekly} and {@code monthly} set a snapshot schedule (as at create; "0" or "off" ends it).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeUpdateRequest(String size, Integer repl, String node, String ioPriority, String maxIops,
    String maxBandwidth, String periodic, String daily, String weekly, String monthly) {
  public VolumeUpdateRequest(String size) {
    this(size, null, null);
  }

  public VolumeUpdateRequest(String size, Integer repl, String node) {
    this(size, repl, node, null, null, null);
  }

  public VolumeUpdateRequest(String size, Integer repl, String node, String ioPriority, String maxIops,
      String maxBandwidth) {
    this(size, repl, node, ioPriority, maxIops, maxBandwidth, null, null, null, null);
  }

  /** A change of snapshot schedules only; null kinds stay as they are. */
  public static VolumeUpdateRequest schedules(String periodic, String daily, String weekly, String monthly) {
    return new VolumeUpdateRequest(null, null, null, null, null, null, periodic, daily, weekly, monthly);
  }

  /** Whether it changes any snapshot schedule. */
  public boolean changesSchedules() {
    return periodic != null || daily != null || weekly != null || monthly != null;
  }

  /** A change of the I/O policy only; null parts stay as they are. */
  public static VolumeUpdateRequest ioPolicy(String ioPriority, String maxIops, String maxBandwidth) {
    return new VolumeUpdateRequest(null, null, null, ioPriority, maxIops, maxBandwidth);
  }
}
