package io.pxlite.docker;

import java.util.Map;

/**
 * A volume as Docker sees it.
 *
 * @param mountpoint the host path while mounted here, otherwise empty
 * @param createdAt when the volume was created, RFC 3339 ({@code docker volume inspect}'s CreatedAt),
 *     or empty if unknown (Docker then shows no time)
 * @param status free-form details shown by {@code docker volume inspect} (size, replicas, attach state)
 */
public record DriverVolume(String name, String mountpoint, String createdAt, Map<String, Object> status) {
  public DriverVolume {
    mountpoint = mountpoint == null ? "" : mountpoint;
    createdAt = createdAt == null ? "" : createdAt;
    status = status == null ? Map.of() : Map.copyOf(status);
  }
}
