package io.pxlite.docker;

import java.util.Map;

/**
 * A volume as Docker sees it.
 *
 * @param mountpoint the host path while mounted here, otherwise empty
 * @param status free-form details shown by {@code docker volume inspect} (size, replicas, attach state)
 */
public record DriverVolume(String name, String mountpoint, Map<String, Object> status) {
  public DriverVolume {
    mountpoint = mountpoint == null ? "" : mountpoint;
    status = status == null ? Map.of() : Map.copyOf(status);
  }
}
