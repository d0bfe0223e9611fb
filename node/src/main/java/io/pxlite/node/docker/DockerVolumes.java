package io.pxlite.node.docker;

import io.pxlite.api.ApiException;
import io.pxlite.api.VolumeCloneRequest;
import io.pxlite.api.VolumeCreateRequest;
import io.pxlite.api.VolumeView;
import io.pxlite.docker.DriverException;
import io.pxlite.docker.DriverVolume;
import io.pxlite.docker.VolumeDriver;
import io.pxlite.journal.JournalException;
import io.pxlite.node.attach.AttachException;
import io.pxlite.node.attach.HostAttachment;
import io.pxlite.node.attach.HostAttachments;
import io.pxlite.node.config.ConfigException;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.VolumeSpec;
import io.pxlite.node.volume.VolumeSpecParser;
import io.pxlite.node.volume.schedule.SnapSchedule;
import io.pxlite.node.volume.VolumeService;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pxlite volumes as Docker's {@code pxd} volume driver: create and remove go through the same
 * {@link VolumeService} as pxctl; mount and unmount through {@link HostAttachments}, one holder per
 * Docker mount ID, under {@code <mounts_dir>/<volume>}.
 */
public final class DockerVolumes implements VolumeDriver {
  private static final Logger LOG = LoggerFactory.getLogger(DockerVolumes.class);
  /** The Docker option that makes a create a clone ({@code --opt source=VOL|SNAP}). */
  private static final String SOURCE = "source";
  private final VolumeService volumes;
  private final ClusterCatalog catalog;
  private final HostAttachments attachments;

  public DockerVolumes(VolumeService volumes, ClusterCatalog catalog, HostAttachments attachments) {
    this.volumes = volumes;
    this.catalog = catalog;
    this.attachments = attachments;
  }

  @Override
  public void create(String name, Map<String, String> opts) {
    DockerVolumeName n = DockerVolumeName.parse(name);
    Map<String, String> options = n.mergedWith(opts);
    if (options.containsKey(SOURCE)) {
      createClone(n.volume(), options);
      return;
    }
    VolumeSpec wanted = parse(n.volume(), options);
    call(() -> {
      Optional<VolumeRecord> existing = catalog.volume(n.volume());
      if (existing.isPresent()) {
        requireSameSpec(existing.get(), wanted);
        return null;
      }
      try {
        volumes.createVolume(new VolumeCreateRequest(n.volume(), options.get("size"), wanted.repl(), wanted.fs(),
            Integer.toString(wanted.blockSize()) + "B", wanted.ioPriority(), wanted.snapInterval(), wanted.labels(),
            String.join(",", wanted.nodes()), options.get("max_iops"), options.get("max_bandwidth"),
            options.get("periodic"), options.get("daily"), options.get("weekly"), options.get("monthly")));
      } catch (ApiException e) {
        // Another create of the same name may have won the race: fine if it made the same volume.
        Optional<VolumeRecord> raced = e.status() == 409 ? catalog.volume(n.volume()) : Optional.empty();
        if (raced.isEmpty()) {
          throw e;
        }
        requireSameSpec(raced.get(), wanted);
      }
      return null;
    });
  }

  /**
   * {@code --opt source=VOL|SNAP}: the new volume is a clone, which takes its spec from its source. A
   * repeated create of an existing volume succeeds, as Docker expects.
   */
  private void createClone(String volume, Map<String, String> options) {
    String source = options.get(SOURCE);
    Set<String> others = new java.util.TreeSet<>(options.keySet());
    others.remove(SOURCE);
    if (source == null || source.isBlank()) {
      throw new DriverException("volume " + volume + ": option 'source' names the volume or snapshot to clone; it is"
          + " empty");
    }
    if (!others.isEmpty()) {
      throw new DriverException("volume " + volume + ": a clone (option 'source') takes its size, repl and policies"
          + " from " + source + "; drop " + String.join(", ", others) + " (pxctl volume update changes them afterwards)");
    }
    call(() -> {
      if (catalog.volume(volume).isEmpty()) {
        volumes.cloneVolume(source, new VolumeCloneRequest(volume));
      }
      return null;
    });
  }

  private static VolumeSpec parse(String volume, Map<String, String> options) {
    try {
      return VolumeSpecParser.parse(options);
    } catch (ConfigException e) {
      throw new DriverException("volume " + volume + ": invalid " + e.getMessage().replace("config field", "option"));
    }
  }

  private static void requireSameSpec(VolumeRecord v, VolumeSpec wanted) {
    Map<String, String> differences = new LinkedHashMap<>();
    compare(differences, "size", v.sizeBytes(), wanted.sizeBytes());
    compare(differences, "repl", v.repl(), wanted.repl());
    compare(differences, "fs", v.fs(), wanted.fs());
    compare(differences, "block_size", v.blockSize(), wanted.blockSize());
    compare(differences, "io_priority", v.ioPriority(), wanted.ioPriority());
    compare(differences, "snap_interval", v.snapInterval(), wanted.snapInterval());
    compare(differences, "labels", v.labels(), wanted.labels());
    compare(differences, "io limits", v.limits(), wanted.limits());
    compare(differences, "snapshot schedules", v.schedules().stream().map(r -> SnapSchedule.of(r).text()).toList(),
        wanted.schedules().stream().map(SnapSchedule::text).toList());
    if (!differences.isEmpty()) {
      throw new DriverException("volume " + v.name() + " already exists with a different spec: "
          + String.join("; ", differences.values()));
    }
  }

  private static void compare(Map<String, String> out, String key, Object existing, Object wanted) {
    if (!String.valueOf(existing).equals(String.valueOf(wanted))) {
      out.put(key, key + " is " + existing + ", asked for " + wanted);
    }
  }

  @Override
  public void remove(String name) {
    String volume = DockerVolumeName.parse(name).volume();
    call(() -> {
      if (catalog.volume(volume).isPresent()) {
        volumes.deleteVolume(volume);
      }
      return null;
    });
  }

  @Override
  public String mount(String name, String callerId) {
    VolumeRecord v = record(name);
    Path where = attachments.dockerMountpoint(v.name());
    call(() -> attachments.mount(v, where, HostAttachment.dockerHolder(callerId)));
    return where.toString();
  }

  @Override
  public void unmount(String name, String callerId) {
    VolumeRecord v = record(name);
    call(() -> attachments.unmount(v, Optional.of(attachments.dockerMountpoint(v.name())),
        HostAttachment.dockerHolder(callerId)));
  }

  /**
   * Drops the Docker holders of volumes no running container uses any more: their Unmount was lost
   * while this node was down. Run at start, before the plugin serves; does nothing when the Docker
   * engine cannot be asked.
   *
   * @param driver the driver name Docker knows this plugin by (the socket's file name)
   */
  public void releaseMountsNoContainerUses(String driver, Path engineSocket) {
    Optional<Set<String>> inUse = new DockerEngine(engineSocket).volumesInUse(driver);
    if (inUse.isEmpty()) {
      LOG.info("Docker engine at {} not reachable; keeping every Docker mount as it is", engineSocket);
      return;
    }
    for (HostAttachment a : attachments.all()) {
      if (inUse.get().contains(a.volumeName())) {
        continue;
      }
      Optional<VolumeRecord> v = catalog.cachedVolume(a.volumeName());
      Path where = attachments.dockerMountpoint(a.volumeName());
      for (String holder : a.mounts().getOrDefault(where.toString(), Set.of())) {
        if (holder.startsWith(HostAttachment.dockerHolder("")) && v.isPresent()) {
          LOG.warn("no running container uses volume {}; dropping Docker mount {} whose Unmount never arrived",
              a.volumeName(), holder);
          call(() -> attachments.unmount(v.get(), Optional.of(where), holder));
        }
      }
    }
  }

  @Override
  public Optional<String> path(String name) {
    String volume = DockerVolumeName.parse(name).volume();
    return mountpoint(volume);
  }

  private Optional<String> mountpoint(String volume) {
    String where = attachments.dockerMountpoint(volume).toString();
    return attachments.find(volume).filter(a -> a.mounts().containsKey(where)).map(a -> where);
  }

  @Override
  public Optional<DriverVolume> get(String name) {
    String volume = DockerVolumeName.parse(name).volume();
    return call(() -> {
      try {
        return Optional.of(driverVolume(name, volumes.volume(volume)));
      } catch (ApiException e) {
        if (e.status() == 404) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  @Override
  public List<DriverVolume> list() {
    return call(() -> volumes.volumes().stream().map(v -> driverVolume(v.name(), v)).toList());
  }

  private DriverVolume driverVolume(String dockerName, VolumeView v) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("id", v.id());
    status.put("size_bytes", v.sizeBytes());
    status.put("repl", v.repl());
    status.put("fs", v.fs());
    status.put("block_size", v.blockSize());
    status.put("io_priority", v.ioPriority());
    status.put("io_limits", v.ioLimits());
    status.put("labels", v.labels());
    status.put("state", v.state());
    status.put("status", v.status());
    status.put("used_bytes", v.usedBytes());
    status.put("replicas", v.replicas());
    status.put("attached_on", v.attachedOn() == null ? "" : v.attachedOn());
    status.put("device_path", v.devicePath() == null ? "" : v.devicePath());
    return new DriverVolume(dockerName, mountpoint(v.name()).orElse(""), v.ctime(), status);
  }

  private VolumeRecord record(String name) {
    String volume = DockerVolumeName.parse(name).volume();
    return call(() -> catalog.volume(volume)
        .or(() -> catalog.cachedVolume(volume))
        .orElseThrow(() -> new DriverException("no such volume: " + volume)));
  }

  /** Every failure below becomes a message for the Docker user. */
  private static <T> T call(Supplier<T> body) {
    try {
      return body.get();
    } catch (ApiException | AttachException | KvdbUnavailableException | JournalException e) {
      throw new DriverException(e.getMessage(), e);
    }
  }
}
