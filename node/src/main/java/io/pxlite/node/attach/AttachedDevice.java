package io.pxlite.node.attach;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A volume's export made a block device on this host.
 *
 * @param devicePath the block device, e.g. {@code /dev/loop3} or {@code /dev/nbd0}
 * @param mechanism {@link FuseLoopAttacher#MECHANISM} or {@link NbdClientAttacher#MECHANISM}
 * @param fuseDir the FUSE mount exposing the export as a file (nbdfuse only), else null
 * @param helperPid the nbdfuse process (nbdfuse only), else 0
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AttachedDevice(String devicePath, String mechanism, String fuseDir, long helperPid) {}
