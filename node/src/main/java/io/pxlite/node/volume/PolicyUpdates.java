package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.api.IoLimits;
import io.pxlite.api.VolumeUpdateRequest;
import io.pxlite.node.config.ConfigException;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.qos.VolumeIoControl;
import io.pxlite.node.volume.schedule.SnapSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy parts of {@code volume update}: I/O priority and limits (in force on this node at once)
 * and snapshot schedules, stored in the volume's kvdb record. Nothing here goes through the log.
 */
final class PolicyUpdates {
  private final ClusterCatalog catalog;
  private final VolumeIoControl ioControl;

  PolicyUpdates(ClusterCatalog catalog, VolumeIoControl ioControl) {
    this.catalog = catalog;
    this.ioControl = ioControl;
  }

  /**
   * The volume with the I/O policy {@code request} asks for (its other parts unchanged), stored and
   * in force on this node at once; other nodes serving it pick it up within a second
   * ({@code PolicyRefresh}).
   */
  VolumeRecord updateIoPolicy(VolumeRecord v, VolumeUpdateRequest request) {
    if (request.ioPriority() == null && request.maxIops() == null && request.maxBandwidth() == null) {
      return v;
    }
    String priority = v.ioPriority();
    IoLimits limits = v.limits();
    try {
      if (request.ioPriority() != null) {
        priority = IoPolicyOptions.priority(request.ioPriority());
      }
      if (request.maxIops() != null) {
        limits = IoPolicyOptions.withIops(limits, request.maxIops());
      }
      if (request.maxBandwidth() != null) {
        limits = IoPolicyOptions.withBandwidth(limits, request.maxBandwidth());
      }
    } catch (ConfigException e) {
      throw ApiException.badRequest("invalid " + e.getMessage().replace("config field", "option"));
    }
    VolumeRecord changed = v.withIoPolicy(priority, limits);
    if (!changed.equals(v)) {
      catalog.updateVolume(changed);
      ioControl.apply(changed.numericId(), priority, limits);
    }
    return changed;
  }

  /**
   * The volume with the snapshot schedules {@code request} sets (each kind it names replaces that
   * kind; "0" or "off" ends it), stored. A schedule given again unchanged keeps its start, so its
   * slots stay the ones already due.
   */
  VolumeRecord updateSchedules(VolumeRecord v, VolumeUpdateRequest request) {
    if (!request.changesSchedules()) {
      return v;
    }
    Map<String, String> given = new HashMap<>();
    given.put("periodic", request.periodic());
    given.put("daily", request.daily());
    given.put("weekly", request.weekly());
    given.put("monthly", request.monthly());
    List<SnapSchedule> asked;
    try {
      asked = VolumeSpecParser.schedules(given, Instant.now());
    } catch (ConfigException e) {
      throw ApiException.badRequest("invalid " + e.getMessage().replace("config field", "option"));
    }
    List<SnapSchedule> result = new ArrayList<>();
    for (SnapSchedule current : v.schedules().stream().map(SnapSchedule::of).toList()) {
      if (given.get(current.kind().option()) == null) {
        result.add(current);
      }
    }
    for (SnapSchedule s : asked) {
      Optional<SnapSchedule> same = v.schedules().stream().map(SnapSchedule::of).filter(s::sameAs).findFirst();
      result.add(same.orElse(s));
    }
    result.sort(Comparator.comparing(SnapSchedule::kind));
    int snapInterval = result.stream().filter(s -> s.kind() == SnapSchedule.Kind.PERIODIC)
        .mapToInt(SnapSchedule::periodMinutes).findFirst().orElse(0);
    VolumeRecord changed = v.withSchedules(result.stream().map(SnapSchedule::record).toList(), snapInterval);
    if (!changed.equals(v)) {
      catalog.updateVolume(changed);
    }
    return changed;
  }
}
