package io.pxlite.node.attach;

import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.VolumeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes attached and mounted on this host, for Docker and for {@code pxctl host}. A volume has at
 * most one device here; each mount path counts its holders, and the last holder to leave unmounts,
 * then the device goes when nothing holds it.
 *
 * <p>Invariants: a volume is attached on at most one node (the kvdb claim is taken before the device
 * is made and dropped after it is gone); the ledger names every device and mount this class made, so
 * {@link #restore()} after a crash either keeps an attachment whole or removes it whole.
 * Operations on one volume are serialised; different volumes proceed in parallel.
 */
public final class HostAttachments {
  private static final Logger LOG = LoggerFactory.getLogger(HostAttachments.class);

  private final String nodeId;
  private final Path nbdSocket;
  private final Path workRoot;
  private final Path mountsDir;
  private final BlockAttacher attacher;
  private final AttachmentLedger ledger;
  private final AttachClaims claims;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  HostAttachments(String nodeId, Path dataDir, Path nbdSocket, Path mountsDir, BlockAttacher attacher,
      AttachClaims claims) {
    this.nodeId = nodeId;
    this.nbdSocket = nbdSocket;
    this.workRoot = dataDir.resolve("attach");
    this.mountsDir = mountsDir;
    this.attacher = attacher;
    this.claims = claims;
    try {
      Files.createDirectories(workRoot);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workRoot, e);
    }
    this.ledger = new AttachmentLedger(dataDir.resolve("attachments.json"));
  }

  /** With the attach mechanism this host supports. */
  public static HostAttachments open(String nodeId, Path dataDir, Path nbdSocket, Path mountsDir, AttachClaims claims) {
    return new HostAttachments(nodeId, dataDir, nbdSocket, mountsDir, BlockAttacher.forThisHost(), claims);
  }

  public Optional<HostAttachment> find(String volumeName) {
    return ledger.get(volumeName);
  }

  public List<HostAttachment> all() {
    return ledger.all();
  }

  /** Where Docker's mounts of a volume go. */
  public Path dockerMountpoint(String volumeName) {
    return mountsDir.resolve(volumeName);
  }

  /** {@code pxctl host attach}: the device stays until {@link #detach}. */
  public HostAttachment attach(VolumeRecord v) {
    synchronized (lock(v)) {
      HostAttachment a = ensureAttached(v).withHeldByHost(true);
      ledger.put(a);
      return a;
    }
  }

  /** {@code pxctl host detach}: refused while mounted. */
  public Optional<HostAttachment> detach(VolumeRecord v) {
    synchronized (lock(v)) {
      HostAttachment a = ledger.get(v.name())
          .orElseThrow(() -> AttachException.conflict("volume " + v.name() + " is not attached on this node"));
      if (!a.mounts().isEmpty()) {
        throw AttachException.conflict("volume " + v.name() + " is mounted at " + String.join(", ", a.mounts().keySet())
            + "; unmount it first");
      }
      return releaseIfUnused(a.withHeldByHost(false));
    }
  }

  /**
   * Mounts the volume at {@code path} for {@code holder}, attaching it and making its filesystem on
   * first use; a path already mounted with this volume just gains the holder.
   */
  public HostAttachment mount(VolumeRecord v, Path path, String holder) {
    if ("none".equals(v.fs())) {
      // A refusal because of the volume's spec, not a failure on the host: the caller's to fix (409, not 500).
      throw AttachException.conflict("volume " + v.name() + " has no filesystem (fs none): attach it as a block device with"
          + " pxctl host attach instead of mounting it");
    }
    synchronized (lock(v)) {
      HostAttachment a = ensureAttached(v);
      String where = path.toString();
      if (!a.mounts().containsKey(where)) {
        try {
          mountDevice(v, a.device().devicePath(), path);
        } catch (RuntimeException e) {
          releaseIfUnused(a);
          throw e;
        }
      }
      a = a.withHolder(where, holder);
      ledger.put(a);
      return a;
    }
  }

  private void mountDevice(VolumeRecord v, String device, Path path) {
    MountTable.at(path).ifPresent(m -> {
      throw AttachException.conflict(path + " already has " + m.source() + " mounted on it");
    });
    String fs = Filesystems.probe(device).orElseGet(() -> {
      LOG.info("making {} (block size {}) on volume {}", v.fs(), v.blockSize(), v.name());
      Filesystems.format(device, v.fs(), v.blockSize(), v.name());
      return v.fs();
    });
    Filesystems.mount(device, fs, path);
    LOG.info("mounted volume {} ({}) at {}", v.name(), fs, path);
  }

  /**
   * Drops {@code holder} from {@code path} (from every path it holds when empty); a path left with
   * no holder is unmounted, and a volume left with none is detached. Unmounting what {@code holder}
   * does not hold is a no-op, so Docker may repeat an Unmount safely.
   */
  public Optional<HostAttachment> unmount(VolumeRecord v, Optional<Path> path, String holder) {
    synchronized (lock(v)) {
      Optional<HostAttachment> found = ledger.get(v.name());
      if (found.isEmpty()) {
        return Optional.empty();
      }
      HostAttachment a = found.get();
      List<String> paths = path.map(p -> List.of(p.toString())).orElseGet(() -> a.mounts().entrySet().stream()
          .filter(e -> e.getValue().contains(holder)).map(java.util.Map.Entry::getKey).toList());
      HostAttachment current = a;
      for (String p : paths) {
        Set<String> holders = current.mounts().getOrDefault(p, Set.of());
        if (!holders.contains(holder)) {
          continue;
        }
        HostAttachment next = current.withoutHolder(p, holder);
        if (!next.mounts().containsKey(p)) {
          Filesystems.unmount(Path.of(p));
          LOG.info("unmounted volume {} from {}", v.name(), p);
        }
        current = next;
        ledger.put(current);
      }
      return releaseIfUnused(current);
    }
  }

  private HostAttachment ensureAttached(VolumeRecord v) {
    Optional<HostAttachment> existing = ledger.get(v.name());
    if (existing.isPresent()) {
      if (attacher.isAlive(existing.get().device())) {
        return existing.get();
      }
      LOG.warn("volume {}'s device {} is gone; attaching it again", v.name(), existing.get().device().devicePath());
      tearDown(existing.get());
    }
    claims.claim(v.id(), v.name(), nodeId);
    AttachedDevice device;
    try {
      device = attacher.attach(v.name(), nbdSocket, workRoot.resolve(v.name()));
    } catch (RuntimeException e) {
      releaseClaim(v.id());
      throw e;
    }
    HostAttachment a = new HostAttachment(v.name(), v.id(), device, false, java.util.Map.of());
    ledger.put(a);
    LOG.info("attached volume {} at {} ({})", v.name(), device.devicePath(), device.mechanism());
    return a;
  }

  private Optional<HostAttachment> releaseIfUnused(HostAttachment a) {
    if (!a.unused()) {
      ledger.put(a);
      return Optional.of(a);
    }
    attacher.detach(a.device());
    ledger.remove(a.volumeName());
    releaseClaim(a.volumeId());
    LOG.info("detached volume {} from {}", a.volumeName(), a.device().devicePath());
    return Optional.empty();
  }

  private void releaseClaim(String volumeId) {
    try {
      claims.release(volumeId, nodeId);
    } catch (KvdbUnavailableException e) {
      // Harmless to this node (its own claim); restore() drops it when the kvdb is back.
      LOG.warn("volume {} is detached but its claim stays in the kvdb until the next start: {}", volumeId, e.getMessage());
    }
  }

  /**
   * After a start: keeps every attachment whose device still works (nbdfuse reconnects by itself) and
   * removes whole every one whose device died with the host or the node, then clears leftovers that a
   * crash mid-attach may have made and claims this node holds for volumes no longer attached here.
   */
  public void restore() {
    for (HostAttachment a : ledger.all()) {
      if (attacher.isAlive(a.device())) {
        HostAttachment kept = a;
        for (String p : a.mounts().keySet()) {
          boolean mounted = MountTable.at(Path.of(p)).filter(m -> m.source().equals(a.device().devicePath())).isPresent();
          if (!mounted) {
            LOG.warn("volume {} is no longer mounted at {} (unmounted by hand?); forgetting that mount", a.volumeName(), p);
            kept = kept.withoutMount(p);
          }
        }
        ledger.put(kept);
        LOG.info("restored volume {} attached at {}{}", a.volumeName(), a.device().devicePath(),
            kept.mounts().isEmpty() ? "" : " and mounted at " + String.join(", ", kept.mounts().keySet()));
        if (kept.unused()) {
          releaseIfUnused(kept);
        }
      } else {
        LOG.warn("volume {}'s device {} did not survive; removing its mounts and device", a.volumeName(),
            a.device().devicePath());
        tearDown(a);
        ledger.remove(a.volumeName());
        releaseClaim(a.volumeId());
      }
    }
    sweepLeftovers();
    try {
      Set<String> attachedHere = ledger.all().stream().map(HostAttachment::volumeId).collect(java.util.stream.Collectors.toSet());
      for (String volumeId : claims.claimedBy(nodeId)) {
        if (!attachedHere.contains(volumeId)) {
          claims.release(volumeId, nodeId);
        }
      }
    } catch (KvdbUnavailableException e) {
      LOG.warn("cannot check this node's attach claims now: {}", e.getMessage());
    }
  }

  /** Undoes a dead attachment: lazy unmounts (nothing can be flushed through a dead device), then the device. */
  private void tearDown(HostAttachment a) {
    for (String p : a.mounts().keySet()) {
      Filesystems.unmountDead(Path.of(p));
    }
    attacher.detach(a.device());
  }

  /** Mounts, loop devices and FUSE mounts under this node's attach dir that no ledger entry owns. */
  private void sweepLeftovers() {
    Set<String> ownedDevices = new java.util.HashSet<>();
    Set<String> ownedFuse = new java.util.HashSet<>();
    for (HostAttachment a : ledger.all()) {
      ownedDevices.add(a.device().devicePath());
      if (a.device().fuseDir() != null) {
        ownedFuse.add(a.device().fuseDir());
      }
    }
    String root = workRoot.toString() + "/";
    java.util.Map<String, String> loops = LoopDevices.all();
    List<String> strayLoops = new ArrayList<>();
    loops.forEach((dev, file) -> {
      if (file.startsWith(root) && !ownedDevices.contains(dev)) {
        strayLoops.add(dev);
      }
    });
    for (MountTable.Mount m : MountTable.read()) {
      if (strayLoops.contains(m.source())) {
        LOG.warn("unmounting {} left behind on {} by an interrupted attach", m.target(), m.source());
        Filesystems.unmountDead(Path.of(m.target()));
      }
    }
    for (String dev : strayLoops) {
      LOG.warn("detaching loop device {} left behind by an interrupted attach", dev);
      HostCommand.run(java.time.Duration.ofSeconds(60), "losetup", "-d", dev).orThrow("cannot detach " + dev);
    }
    for (MountTable.Mount m : MountTable.read()) {
      if (m.target().startsWith(root) && m.fsType().startsWith("fuse") && !ownedFuse.contains(m.target())) {
        LOG.warn("unmounting FUSE mount {} left behind by an interrupted attach", m.target());
        HostCommand.run(java.time.Duration.ofSeconds(60), "fusermount3", "-u", "-z", m.target())
            .orThrow("cannot unmount " + m.target());
      }
    }
  }

  private Object lock(VolumeRecord v) {
    return locks.computeIfAbsent(v.name(), n -> new Object());
  }
}
