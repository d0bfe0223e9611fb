package io.pxlite.node.volume;

import io.pxlite.node.volume.membership.NodeRemoval;
import io.pxlite.node.volume.membership.ReplicaGroups;
import io.pxlite.node.volume.membership.ReplicaSetChange;
import io.pxlite.node.volume.membership.ReplicaStates;
import io.pxlite.api.ApiException;
import io.pxlite.api.HostAttachmentView;
import io.pxlite.api.HostMountRequest;
import io.pxlite.node.attach.HostAttachment;
import io.pxlite.node.attach.HostAttachments;
import io.pxlite.nbd.NbdExportCatalog;
import io.pxlite.node.kvdb.AttachmentRecord;
import io.pxlite.api.ManagementService;
import io.pxlite.api.NodeView;
import io.pxlite.api.SnapshotCreateRequest;
import io.pxlite.api.SnapshotView;
import io.pxlite.api.StatusView;
import io.pxlite.api.VolumeCloneRequest;
import io.pxlite.api.VolumeCreateRequest;
import io.pxlite.api.VolumeUpdateRequest;
import io.pxlite.api.VolumeRestoreRequest;
import io.pxlite.api.VolumeRestoreView;
import io.pxlite.api.VolumeView;
import io.pxlite.journal.ReplicaGroup;
import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import io.pxlite.node.LocalNode;
import io.pxlite.node.config.ByteSize;
import io.pxlite.node.config.ConfigException;
import io.pxlite.node.config.NodeConfig;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.NodeRegistration;
import io.pxlite.node.kvdb.SnapshotRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import io.pxlite.node.volume.qos.VolumeIoControl;
import io.pxlite.node.volume.schedule.SnapSchedule;
import io.pxlite.store.BlockStore;
import io.pxlite.store.VolumeUsage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The management operations of a node, behind the REST API and pxctl. Configuration goes to the
 * kvdb; every change to a volume's contents or shape goes through its replica group's log.
 */
public final class VolumeService implements ManagementService {
  /** How long after its creation a volume missing from a replica's store shows as being set up, not in error. */
  private static final java.time.Duration SETTING_UP = java.time.Duration.ofMinutes(2);
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final NodeConfig config;
  private final LocalNode self;
  private final ClusterCatalog catalog;
  private final ReplicaGroups groups;
  private final BlockStore store;
  private final HostAttachments attachments;
  private final HostCalls host;
  private final ReplicaSetChange replicaSets;
  private final ClusterNodes clusterNodes;
  private final VolumeIoControl ioControl;
  private final PolicyUpdates policies;
  private final VolumeRestores restores;
  private final VolumeClones clones;
  private final GroupEvents events;
  private final VolumeSnapshots snapshotOps;

  public VolumeService(
      NodeConfig config, LocalNode self, ClusterCatalog catalog, NodeRegistration registration,
      ReplicaGroups groups, BlockStore store, HostAttachments attachments, VolumeIoControl ioControl,
      NbdExportCatalog exports) {
    this.config = config;
    this.self = self;
    this.catalog = catalog;
    this.groups = groups;
    this.store = store;
    this.attachments = attachments;
    this.ioControl = ioControl;
    this.host = new HostCalls(attachments, self.id());
    this.policies = new PolicyUpdates(catalog, ioControl);
    this.restores = new VolumeRestores(catalog, exports, self.id());
    this.events = new GroupEvents(groups);
    this.snapshotOps = new VolumeSnapshots(catalog, events);
    this.clones = new VolumeClones(catalog, exports, store, self.id(), snapshotOps, cloneSteps());
    this.replicaSets = new ReplicaSetChange(catalog, groups, config.clusterId());
    this.clusterNodes = new ClusterNodes(config, self, catalog, registration, new NodeRemoval(catalog, groups, config.clusterId()));
  }

  // ------------------------------------------------------------------ nodes and status

  @Override
  public StatusView status() {
    return clusterNodes.status();
  }

  @Override
  public List<NodeView> nodes() {
    return clusterNodes.list();
  }

  @Override
  public NodeView node(String ref) {
    return clusterNodes.find(ref);
  }

  @Override
  public void deleteNode(String ref) {
    clusterNodes.delete(ref);
  }

  // ------------------------------------------------------------------ volumes

  @Override
  public VolumeView createVolume(VolumeCreateRequest request) {
    String name = validName(request.name(), "volume");
    VolumeSpec spec = VolumeSpecParser.fromRequest(request);
    return call(() -> volumeView(newVolume(name, spec), Optional.empty()));
  }

  /** Places, records and creates a volume through its new replica group; undone if the create fails. */
  private VolumeRecord newVolume(String name, VolumeSpec spec) {
    Placement.Chosen chosen = Placement.choose(catalog.nodes(), catalog::isAlive, spec.repl(), spec.sizeBytes(),
        spec.nodes(), config.clusterId());
    List<String> replicas = chosen.replicas();
    long id = VolumeIds.next();
    ReplicaGroup group = groups.groupForNewVolume(replicas, chosen.witness());
    VolumeRecord record = new VolumeRecord(VolumeIds.format(id), name, spec.sizeBytes(), spec.repl(), spec.fs(),
        spec.blockSize(), spec.ioPriority(), spec.snapInterval(), spec.labels(), now(), group.streamName(), replicas,
        chosen.witness(), spec.limits(), spec.schedules().stream().map(SnapSchedule::record).toList());
    if (!catalog.createVolume(record)) {
      throw ApiException.conflict("a volume or snapshot named '" + name + "' already exists");
    }
    try {
      GroupEvents.commit(groups.join(group).submit(new VolumeEvent.CreateVolume(id, spec.sizeBytes())), "create volume " + name);
    } catch (RuntimeException e) {
      catalog.deleteVolume(name);
      throw e;
    }
    return record;
  }

  @Override
  public List<VolumeView> volumes() {
    return call(() -> {
      Map<String, AttachmentRecord> attachedOn = new HashMap<>();
      catalog.attachments().forEach(a -> attachedOn.put(a.volumeId(), a));
      return catalog.volumes().stream().map(v -> volumeView(v, Optional.ofNullable(attachedOn.get(v.id())))).toList();
    });
  }

  @Override
  public VolumeView volume(String ref) {
    return call(() -> volumeView(findVolume(ref)));
  }

  @Override
  public VolumeView updateVolume(String ref, VolumeUpdateRequest request) {
    return call(() -> {
      VolumeRecord v = findVolume(ref);
      if (request.node() != null && request.repl() == null) {
        throw ApiException.badRequest("invalid option 'node': it names where to add or remove a replica, so it needs"
            + " 'repl'");
      }
      if (request.repl() != null) {
        v = replicaSets.apply(v, request.repl(), request.node());
      }
      v = policies.updateIoPolicy(v, request);
      v = policies.updateSchedules(v, request);
      if (request.size() == null) {
        return volumeView(v);
      }
      long size;
      try {
        size = ByteSize.parse(request.size(), ByteSize.GIB, "size");
      } catch (ConfigException e) {
        throw ApiException.badRequest("invalid " + e.getMessage().replace("config field", "option"));
      }
      if (size % 4096 != 0) {
        throw ApiException.badRequest("invalid option 'size': " + size + " bytes is not a multiple of 4 KiB");
      }
      if (size < v.sizeBytes()) {
        throw ApiException.badRequest("volume " + v.name() + " is " + ByteSize.format(v.sizeBytes())
            + "; shrinking to " + ByteSize.format(size) + " is not supported (it would cut off data)");
      }
      long pool = self.record().capacityBytes();
      if (size > pool) {
        throw ApiException.badRequest("volume size " + ByteSize.format(size) + " is larger than the pool ("
            + ByteSize.format(pool) + " on node " + self.id() + ")");
      }
      if (size == v.sizeBytes()) {
        return volumeView(v);
      }
      EventOutcome outcome = events.submit(v, new VolumeEvent.Resize(v.numericId(), size), "resize volume " + v.name());
      if (!outcome.isOk()) {
        throw GroupEvents.failed("resize volume " + v.name(), outcome);
      }
      VolumeRecord resized = v.withSize(size);
      catalog.updateVolume(resized);
      return volumeView(resized);
    });
  }

  @Override
  public void deleteVolume(String ref) {
    call(() -> {
      VolumeRecord v = findVolume(ref);
      Optional<AttachmentRecord> attached = catalog.attachment(v.id());
      // A clone being copied (or cut short) may be deleted: its copy then fails and stops.
      if (attached.isPresent() && !attached.get().isClone()) {
        throw ApiException.conflict("volume " + v.name() + " is attached on node " + attached.get().nodeId()
            + "; unmount and detach it first (docker containers using it must stop)");
      }
      List<String> snaps = catalog.snapshots().stream().filter(s -> s.volumeId().equals(v.id())).map(SnapshotRecord::name).toList();
      if (!snaps.isEmpty()) {
        throw ApiException.conflict("volume " + v.name() + " has " + snaps.size() + " snapshot(s) (" + String.join(", ", snaps)
            + "); delete them first");
      }
      EventOutcome outcome = events.submit(v, new VolumeEvent.DeleteVolume(v.numericId()), "delete volume " + v.name());
      // A repeated delete finds the volume already gone from the store: finish removing the record.
      if (!outcome.isOk() && outcome.code() != EventOutcome.Code.NO_SUCH_VOLUME) {
        throw GroupEvents.failed("delete volume " + v.name(), outcome);
      }
      catalog.deleteVolume(v.name());
      attached.ifPresent(a -> catalog.deleteAttachment(v.id()));
      ioControl.forget(v.numericId());
      return null;
    });
  }

  /** A single volume: with its group's leader and each replica's state, which cost a round of RPCs. */
  private VolumeView volumeView(VolumeRecord v) {
    VolumeView plain = volumeView(v, catalog.attachment(v.id()));
    io.pxlite.journal.GroupLog log = groups.logOf(v);
    java.util.Map<String, String> failedStores = new java.util.HashMap<>();
    catalog.nodes().stream().filter(n -> n.storeFailure() != null).forEach(n -> failedStores.put(n.id(), n.storeFailure()));
    ReplicaStates states = ReplicaStates.of(v, log.status(), catalog::isAlive,
            node -> Optional.ofNullable(failedStores.get(node)))
        .withRebuildProgress(log::rebuildProgress, java.time.Duration.ofSeconds(1));
    return new VolumeView(plain.id(), plain.name(), plain.sizeBytes(), plain.repl(), plain.fs(), plain.blockSize(),
        plain.ioPriority(), plain.snapInterval(), plain.labels(), plain.ctime(), plain.state(),
        states.degraded() && "up".equals(plain.status()) ? "degraded" : plain.status(), plain.usedBytes(),
        plain.snapshotBytes(), plain.replicaGroup(), plain.replicas(), plain.attachedOn(), plain.nbdUri(),
        plain.checksumErrors(), plain.devicePath(), plain.attachPath(), states.leader(), states.replicas(),
        plain.ioLimits(), plain.snapSchedules());
  }

  private VolumeView volumeView(VolumeRecord v, Optional<AttachmentRecord> attachment) {
    Optional<String> attachedOn = attachment.map(AttachmentRecord::nodeId);
    Optional<VolumeUsage> usage = store.hasVolume(v.numericId()) ? Optional.of(store.usage(v.numericId())) : Optional.empty();
    // A node without a replica has no local usage to show; the volume is still up.
    boolean here = v.replicas().contains(self.id());
    String status = usage.isPresent() || !here ? "up" : "down";
    String state = usage.isEmpty() && here ? "error"
        : attachment.filter(AttachmentRecord::isClone).isPresent() ? "cloning"
        : attachedOn.isPresent() ? "attached" : "detached";
    if (usage.isEmpty() && here && store.failure().isEmpty() && recent(v.ctime())) {
      // Just created: this replica has not applied the create yet (its group may still be electing).
      state = "pending";
      status = "setting up";
    }
    Optional<HostAttachment> local = attachments.find(v.name());
    return new VolumeView(v.id(), v.name(), v.sizeBytes(), v.repl(), v.fs(), v.blockSize(), v.ioPriority(),
        v.snapInterval(), v.labels(), v.ctime(), state, status,
        usage.map(VolumeUsage::liveBytes).orElse(0L), usage.map(VolumeUsage::snapshotBytes).orElse(0L),
        v.replicaGroup(), v.replicas(), attachedOn.orElse(null), nbdUri(v.name()), store.checksumErrors(),
        local.map(a -> a.device().devicePath()).orElse(null),
        local.map(a -> List.copyOf(a.mounts().keySet())).orElse(List.of()), null, List.of(), v.limits(),
        v.schedules().stream().map(r -> SnapSchedule.of(r).text()).toList());
  }

  /** Whether {@code ctime} is within the time a new volume's group takes to come up everywhere. */
  private static boolean recent(String ctime) {
    try {
      return Instant.parse(ctime).isAfter(Instant.now().minus(SETTING_UP));
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private String nbdUri(String exportName) {
    return "nbd+unix:///" + exportName + "?socket=" + config.nbdSocket();
  }

  private VolumeRecord findVolume(String ref) {
    return catalog.volume(ref)
        .or(() -> catalog.volumes().stream().filter(v -> v.id().equals(ref)).findFirst())
        .orElseThrow(() -> ApiException.notFound("no volume '" + ref + "'"));
  }

  // ------------------------------------------------------------------ snapshots

  @Override
  public SnapshotView createSnapshot(SnapshotCreateRequest request) {
    if (request.volume() == null || request.volume().isBlank()) {
      throw ApiException.badRequest("field 'volume': the volume to snapshot is required");
    }
    return call(() -> {
      VolumeRecord v = findVolume(request.volume());
      String name = request.name() == null || request.name().isBlank() ? null : validName(request.name(), "snapshot");
      return snapshotView(snapshotOps.take(v, name, null));
    });
  }

  @Override
  public List<SnapshotView> snapshots(String volumeRef) {
    return call(() -> {
      Optional<String> volumeId = Optional.ofNullable(volumeRef).filter(r -> !r.isBlank()).map(r -> findVolume(r).id());
      return catalog.snapshots().stream()
          .filter(s -> volumeId.isEmpty() || volumeId.get().equals(s.volumeId()))
          .map(this::snapshotView)
          .toList();
    });
  }

  @Override
  public void deleteSnapshot(String ref) {
    call(() -> {
      SnapshotRecord s = snapshotOps.find(ref);
      snapshotOps.drop(s, findVolume(s.volumeId()));
      return null;
    });
  }

  private SnapshotView snapshotView(SnapshotRecord s) {
    return new SnapshotView(s.id(), s.name(), s.volumeName(), s.volumeId(), s.sizeBytes(), s.ctime(), nbdUri(s.name()),
        s.createdBy());
  }

  @Override
  public VolumeRestoreView restoreVolume(String volumeRef, VolumeRestoreRequest request) {
    return call(() -> restores.restore(findVolume(volumeRef), request.snapshot()));
  }

  @Override
  public VolumeView cloneVolume(String sourceRef, VolumeCloneRequest request) {
    String name = validName(request.name(), "volume");
    return call(() -> volumeView(clones.clone(sourceRef, name)));
  }

  /** The steps of a clone that are the service's own: a volume and its undoing. */
  private VolumeClones.Steps cloneSteps() {
    return new VolumeClones.Steps() {
      @Override
      public VolumeRecord newVolume(String name, VolumeSpec spec) {
        return VolumeService.this.newVolume(name, spec);
      }

      @Override
      public void deleteVolume(VolumeRecord v) {
        VolumeService.this.deleteVolume(v.id());
      }
    };
  }

  // ------------------------------------------------------------------ attach and mount on this host

  @Override
  public HostAttachmentView attach(String volumeRef) {
    return call(() -> host.attach(findVolume(volumeRef)));
  }

  @Override
  public HostAttachmentView detach(String volumeRef) {
    return call(() -> host.detach(findVolume(volumeRef)));
  }

  @Override
  public HostAttachmentView mount(String volumeRef, HostMountRequest request) {
    return call(() -> host.mount(findVolume(volumeRef), request));
  }

  @Override
  public HostAttachmentView unmount(String volumeRef, HostMountRequest request) {
    return call(() -> host.unmount(findVolume(volumeRef), request));
  }

  // ------------------------------------------------------------------ plumbing

  private static String validName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest("field 'name': a " + what + " name is required");
    }
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badRequest("field 'name': '" + name + "' is not a valid " + what
          + " name (1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
    }
    return name;
  }

  static String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC));
  }

  private static <T> T call(Supplier<T> body) {
    return ManagementCall.run(body);
  }
}
