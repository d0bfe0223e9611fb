package io.pxlite.node.attach;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One volume attached on this host: its device and who holds it. The device stays while anything
 * holds it: a mount with holders, or an explicit {@code pxctl host attach}.
 *
 * @param mounts mount path to its holders ({@code docker:<caller id>} per container, {@code host} for
 *     pxctl host mount)
 * @param heldByHost attached by {@code pxctl host attach}, kept until {@code pxctl host detach}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HostAttachment(
    String volumeName, String volumeId, AttachedDevice device, boolean heldByHost, Map<String, Set<String>> mounts) {
  public static final String HOST_HOLDER = "host";

  public HostAttachment {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    if (mounts != null) {
      mounts.forEach((path, holders) -> copy.put(path, Set.copyOf(new LinkedHashSet<>(holders))));
    }
    mounts = Map.copyOf(copy);
  }

  public static String dockerHolder(String callerId) {
    return "docker:" + callerId;
  }

  HostAttachment withDevice(AttachedDevice d) {
    return new HostAttachment(volumeName, volumeId, d, heldByHost, mounts);
  }

  HostAttachment withHeldByHost(boolean held) {
    return new HostAttachment(volumeName, volumeId, device, held, mounts);
  }

  HostAttachment withHolder(String path, String holder) {
    Map<String, Set<String>> m = new LinkedHashMap<>(mounts);
    Set<String> holders = new LinkedHashSet<>(m.getOrDefault(path, Set.of()));
    holders.add(holder);
    m.put(path, holders);
    return new HostAttachment(volumeName, volumeId, device, heldByHost, m);
  }

  /** Removes the holder; a path left with no holders is dropped. */
  HostAttachment withoutHolder(String path, String holder) {
    Map<String, Set<String>> m = new LinkedHashMap<>(mounts);
    Set<String> holders = new LinkedHashSet<>(m.getOrDefault(path, Set.of()));
    holders.remove(holder);
    if (holders.isEmpty()) {
      m.remove(path);
    } else {
      m.put(path, holders);
    }
    return new HostAttachment(volumeName, volumeId, device, heldByHost, m);
  }

  HostAttachment withoutMount(String path) {
    Map<String, Set<String>> m = new LinkedHashMap<>(mounts);
    m.remove(path);
    return new HostAttachment(volumeName, volumeId, device, heldByHost, m);
  }

  /** Holders in all: each mount holder, plus one for an explicit host attach. */
  public int users() {
    return mounts.values().stream().mapToInt(Set::size).sum() + (heldByHost ? 1 : 0);
  }

  boolean unused() {
    return users() == 0;
  }
}
