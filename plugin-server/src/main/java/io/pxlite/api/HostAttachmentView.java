package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A volume's attachment on the node that answered (pxctl host attach/detach/mount/unmount).
 *
 * @param devicePath the block device on this host, or null when detached
 * @param mountpoints where the volume is mounted on this host
 * @param users how many holders keep it attached (each mount path and each Docker container counts)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HostAttachmentView(
    String volume, String node, String devicePath, List<String> mountpoints, int users) {}
