package io.pxlite.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A whole {@link ManagementService} kept in maps: our own port's second implementation, so the HTTP
 * layer is tested against real behaviour (404s, 409s, ids) rather than scripted answers.
 *
 * <p>Attachments are this node's only ({@link #NODE_1}): attach gives {@link #DEVICE}, mounts are
 * recorded paths, detach is refused while mounted and delete while attached.
 *
 * <p>Tests may make the next call throw ({@link #failNextCall}) and read which threads served calls.
 */
final class InMemoryManagementService implements ManagementService {
  static final NodeView NODE_1 = new NodeView("node-1", "10.0.0.1", "10.0.1.1", "online", 8,
      16L << 30, 8L << 30, 100L << 30, 90L << 30, 0,
      List.of(new NodeView.DeviceView("node-1:0", "/dev/sdb", 100L << 30, 10L << 30)));
  /** The block device every attach gets. */
  static final String DEVICE = "/dev/loop7";
  static final NodeView NODE_2 = new NodeView("node-2", "10.0.0.2", "10.0.1.2", "offline", 4,
      8L << 30, 1L << 30, 50L << 30, 50L << 30, 0, List.of());

  private final Map<String, VolumeView> volumesById = new LinkedHashMap<>();
  private final Map<String, SnapshotView> snapshotsById = new LinkedHashMap<>();
  /** Volumes attached on this node (by id), each with the paths it is mounted at. */
  private final Map<String, Set<String>> attachmentsById = new HashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
  private final List<String> callingThreads = new CopyOnWriteArrayList<>();
  private final AtomicReference<Gate> nextGate = new AtomicReference<>();

  /** Holds a call inside the service: {@code entered} opens when it arrives, it leaves when {@code release} opens. */
  record Gate(CountDownLatch entered, CountDownLatch release) {}

  /** The next service call throws {@code failure} instead of doing its work. */
  void failNextCall(RuntimeException failure) {
    nextFailure.set(failure);
  }

  /** The next service call signals {@code gate.entered} and then waits for {@code gate.release}. */
  void holdNextCall(Gate gate) {
    nextGate.set(gate);
  }

  List<String> callingThreads() {
    return callingThreads;
  }

  @Override
  public StatusView status() {
    enter();
    return new StatusView("cluster-a", NODE_1, 2, 1, 150L << 30, 140L << 30,
        List.of("etcd:http://127.0.0.1:2379"), true, "healthy");
  }

  @Override
  public List<NodeView> nodes() {
    enter();
    return List.of(NODE_1, NODE_2);
  }

  @Override
  public void deleteNode(String ref) {
    throw ApiException.notFound("no node '" + ref + "'");
  }

  @Override
  public NodeView node(String ref) {
    enter();
    return nodes().stream()
        .filter(n -> n.id().equals(ref) || n.mgmtIp().equals(ref))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no node " + ref));
  }

  @Override
  public synchronized VolumeView createVolume(VolumeCreateRequest request) {
    enter();
    if (request.name() == null || request.name().isBlank()) {
      throw ApiException.badRequest("volume name is required");
    }
    if (findVolume(request.name()) != null) {
      throw ApiException.conflict("volume " + request.name() + " already exists");
    }
    String id = "vol-" + nextId.getAndIncrement();
    VolumeView volume = new VolumeView(id, request.name(), gib(request.size()),
        request.repl() == null ? 1 : request.repl(), request.fs() == null ? "ext4" : request.fs(), 4096,
        request.ioPriority() == null ? "low" : request.ioPriority(),
        request.snapInterval() == null ? 0 : request.snapInterval(),
        request.labels() == null ? Map.of() : request.labels(), "2026-01-01T00:00:00Z", "detached", "up",
        0, 0, "rg-1", List.of("node-1"), null, "nbd://10.0.1.1:10809/" + id, 0, null, List.of(), null, List.of(), IoLimits.NONE,
        schedules(request.periodic(), request.daily(), request.weekly(), request.monthly()));
    volumesById.put(id, volume);
    return volume;
  }

  @Override
  public synchronized List<VolumeView> volumes() {
    enter();
    return volumesById.values().stream().map(this::withAttachment).toList();
  }

  @Override
  public synchronized VolumeView volume(String ref) {
    enter();
    VolumeView volume = findVolume(ref);
    if (volume == null) {
      throw ApiException.notFound("no volume " + ref);
    }
    return withAttachment(volume);
  }

  @Override
  public synchronized VolumeView updateVolume(String ref, VolumeUpdateRequest request) {
    VolumeView v = volume(ref);
    VolumeView updated = new VolumeView(v.id(), v.name(), request.size() == null ? v.sizeBytes() : gib(request.size()),
        v.repl(), v.fs(), v.blockSize(), v.ioPriority(), v.snapInterval(), v.labels(), v.ctime(), v.state(), v.status(),
        v.usedBytes(), v.snapshotBytes(), v.replicaGroup(), v.replicas(), v.attachedOn(), v.nbdUri(), v.checksumErrors(),
        v.devicePath(), v.attachPath(), v.groupLeader(), v.replicaStates(), v.ioLimits(),
        request.changesSchedules()
            ? schedules(request.periodic(), request.daily(), request.weekly(), request.monthly())
            : v.snapSchedules());
    volumesById.put(v.id(), updated);
    return updated;
  }

  @Override
  public synchronized void deleteVolume(String ref) {
    VolumeView volume = volume(ref);
    if (attachmentsById.containsKey(volume.id())) {
      throw ApiException.conflict("volume " + volume.name() + " is attached on " + NODE_1.id() + "; detach it first");
    }
    volumesById.remove(volume.id());
  }

  @Override
  public synchronized SnapshotView createSnapshot(SnapshotCreateRequest request) {
    VolumeView volume = volume(request.volume());
    String id = "snap-" + nextId.getAndIncrement();
    String name = request.name() != null ? request.name() : volume.name() + "." + id;
    SnapshotView snapshot = new SnapshotView(id, name, volume.name(), volume.id(), volume.sizeBytes(),
        "2026-01-01T00:00:00Z", "nbd://10.0.1.1:10809/" + id, "manual");
    snapshotsById.put(id, snapshot);
    return snapshot;
  }

  @Override
  public synchronized List<SnapshotView> snapshots(String volumeRef) {
    enter();
    String volumeId = volumeRef == null ? null : volume(volumeRef).id();
    List<SnapshotView> result = new ArrayList<>();
    for (SnapshotView s : snapshotsById.values()) {
      if (volumeId == null || s.volumeId().equals(volumeId)) {
        result.add(s);
      }
    }
    return result;
  }

  @Override
  public synchronized void deleteSnapshot(String ref) {
    enter();
    SnapshotView snapshot = snapshotsById.values().stream()
        .filter(s -> s.id().equals(ref) || s.name().equals(ref))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no snapshot " + ref));
    snapshotsById.remove(snapshot.id());
  }

  @Override
  public synchronized VolumeRestoreView restoreVolume(String volumeRef, VolumeRestoreRequest request) {
    enter();
    VolumeView volume = findVolume(volumeRef);
    SnapshotView snapshot = snapshotsById.values().stream()
        .filter(s -> s.id().equals(request.snapshot()) || s.name().equals(request.snapshot()))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound("no snapshot " + request.snapshot()));
    return new VolumeRestoreView(volume.name(), snapshot.name(), volume.sizeBytes(), 0, 0, 1);
  }

  @Override
  public synchronized VolumeView cloneVolume(String sourceRef, VolumeCloneRequest request) {
    enter();
    VolumeView source = findVolume(sourceRef);
    if (source == null) {
      throw ApiException.notFound("no volume or snapshot '" + sourceRef + "'");
    }
    if (findVolume(request.name()) != null) {
      throw ApiException.conflict("volume " + request.name() + " already exists");
    }
    String id = "vol-" + nextId.getAndIncrement();
    VolumeView clone = new VolumeView(id, request.name(), source.sizeBytes(), source.repl(), source.fs(),
        source.blockSize(), source.ioPriority(), 0, source.labels(), "2026-01-01T00:00:00Z", "detached", "up", 0, 0,
        "rg-1", source.replicas(), null, "nbd://10.0.1.1:10809/" + id, 0, null, List.of(), null, List.of(),
        source.ioLimits(), List.of());
    volumesById.put(id, clone);
    return clone;
  }

  private VolumeView findVolume(String ref) {
    return volumesById.values().stream()
        .filter(v -> v.id().equals(ref) || v.name().equals(ref))
        .findFirst()
        .orElse(null);
  }

  private void enter() {
    callingThreads.add(Thread.currentThread().getName());
    Gate gate = nextGate.getAndSet(null);
    if (gate != null) {
      gate.entered().countDown();
      try {
        if (!gate.release().await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released the held call");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while held", e);
      }
    }
    RuntimeException failure = nextFailure.getAndSet(null);
    if (failure != null) {
      throw failure;
    }
  }

  /** Just enough of the size grammar for tests: a bare number of GiB, default 1. */
  private static long gib(String size) {
    if (size == null) {
      return 1L << 30;
    }
    try {
      return Long.parseLong(size) << 30;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid size \"" + size + "\"");
    }
  }

  @Override
  public synchronized HostAttachmentView attach(String volumeRef) {
    VolumeView volume = volume(volumeRef);
    return attachment(volume, attachmentsById.computeIfAbsent(volume.id(), id -> new LinkedHashSet<>()));
  }

  @Override
  public synchronized HostAttachmentView detach(String volumeRef) {
    VolumeView volume = volume(volumeRef);
    Set<String> mountpoints = attachmentsById.get(volume.id());
    if (mountpoints != null && !mountpoints.isEmpty()) {
      throw ApiException.conflict("volume " + volume.name() + " is mounted at " + String.join(", ", mountpoints)
          + "; unmount it first");
    }
    attachmentsById.remove(volume.id());
    return attachment(volume, null);
  }

  @Override
  public synchronized HostAttachmentView mount(String volumeRef, HostMountRequest request) {
    VolumeView volume = volume(volumeRef);
    Set<String> mountpoints = attachmentsById.computeIfAbsent(volume.id(), id -> new LinkedHashSet<>());
    mountpoints.add(request.path());
    return attachment(volume, mountpoints);
  }

  @Override
  public synchronized HostAttachmentView unmount(String volumeRef, HostMountRequest request) {
    VolumeView volume = volume(volumeRef);
    Set<String> mountpoints = attachmentsById.getOrDefault(volume.id(), new LinkedHashSet<>());
    if (request.path() == null) {
      mountpoints.clear();
    } else if (!mountpoints.remove(request.path())) {
      throw ApiException.conflict("volume " + volume.name() + " is not mounted at " + request.path());
    }
    return attachment(volume, attachmentsById.get(volume.id()));
  }

  /** The view of {@code volume} on this node given its mountpoints (null = detached). */
  private HostAttachmentView attachment(VolumeView volume, Set<String> mountpoints) {
    if (mountpoints == null) {
      return new HostAttachmentView(volume.name(), NODE_1.id(), null, List.of(), 0);
    }
    return new HostAttachmentView(volume.name(), NODE_1.id(), DEVICE, List.copyOf(mountpoints), mountpoints.size());
  }

  /** {@code v} with the attach fields (state, attached_on, device_path, attach_path) of this node's attachments. */
  private VolumeView withAttachment(VolumeView v) {
    Set<String> mountpoints = attachmentsById.get(v.id());
    boolean attached = mountpoints != null;
    return new VolumeView(v.id(), v.name(), v.sizeBytes(), v.repl(), v.fs(), v.blockSize(), v.ioPriority(),
        v.snapInterval(), v.labels(), v.ctime(), attached ? "attached" : "detached", v.status(), v.usedBytes(),
        v.snapshotBytes(), v.replicaGroup(), v.replicas(), attached ? NODE_1.id() : null, v.nbdUri(),
        v.checksumErrors(), attached ? DEVICE : null, attached ? List.copyOf(mountpoints) : List.of(),
        v.groupLeader(), v.replicaStates(), v.ioLimits(), v.snapSchedules());
  }

  /** The schedules as the node shows them ("periodic 60,5"), without the node's validation. */
  private static List<String> schedules(String periodic, String daily, String weekly, String monthly) {
    List<String> out = new java.util.ArrayList<>();
    String[][] kinds = {{"periodic", periodic}, {"daily", daily}, {"weekly", weekly}, {"monthly", monthly}};
    for (String[] k : kinds) {
      if (k[1] != null && !k[1].equals("0") && !k[1].equals("off")) {
        out.add(k[0] + " " + k[1]);
      }
    }
    return out;
  }
}
