package io.pxlite.store.device;

import io.pxlite.store.BlockStore;
import io.pxlite.store.StoreConfig;
import io.pxlite.store.StoreException;
import io.pxlite.store.StoreIOException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which configured devices this node may use, then opens them: creates missing files sparse,
 * labels blank devices, and refuses (unless forced) a device labelled by another cluster or node, a
 * device holding other data, or one labelled for this node that the index does not know. Every device
 * is checked before anything is written to any of them, so a refused configuration changes nothing.
 */
public final class DeviceAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAdmission.class);
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  static final int MIN_SLOTS = 16;
  public static final long MIN_BYTES = Device.RESERVED_BYTES + (long) MIN_SLOTS * BLOCK;
  /** Scanned for foreign data: the whole reserved area (btrfs, for one, starts at 64 KiB). */
  private static final int PROBE_BYTES = (int) Device.RESERVED_BYTES;
  private static final int S_IFMT = 0170000;
  private static final int S_IFBLK = 0060000;

  /** The open devices, and registry entries that are new or changed and must be stored. */
  public record Admitted(List<Device> devices, List<DeviceRegistry.Entry> changedEntries) {}

  /** What a configured path holds, found without writing anything. */
  private record Probe(Path path, long sizeBytes, boolean missing, DeviceLabel label, String damage, String foreignData) {}

  /** What to do with one device. */
  private record Plan(Probe probe, DeviceLabel label, boolean writeLabel, DeviceRegistry.Entry entry, boolean entryChanged) {}

  private final StoreConfig config;
  private final DeviceRegistry registry;

  private DeviceAdmission(StoreConfig config, DeviceRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  public static Admitted admit(StoreConfig config, DeviceRegistry registry) {
    return new DeviceAdmission(config, registry).run();
  }

  private Admitted run() {
    boolean indexWasEmpty = registry.isEmpty();
    List<Plan> plans = new ArrayList<>();
    Map<UUID, Path> seen = new HashMap<>();
    for (DeviceConfig dc : config.devices()) {
      Plan plan = plan(probe(dc), indexWasEmpty);
      Path other = seen.putIfAbsent(plan.label().deviceId(), plan.probe().path());
      if (other != null) {
        throw new StoreException("devices " + other + " and " + plan.probe().path() + " carry the same device id "
            + plan.label().deviceId() + "; is one device configured twice?");
      }
      plans.add(plan);
    }
    for (DeviceRegistry.Entry known : registry.entries()) {
      if (!seen.containsKey(known.deviceId())) {
        throw new StoreException("the index at " + config.indexDir() + " holds blocks on device " + known.deviceId()
            + " (last seen at " + known.path() + "), which is not among the configured devices; configure it again");
      }
    }
    return open(plans);
  }

  private Plan plan(Probe p, boolean indexWasEmpty) {
    DeviceLabel label = p.label();
    if (p.missing() || (label == null && p.damage() == null && p.foreignData() == null)) {
      return fresh(p, newLabel(UUID.randomUUID(), p.sizeBytes()), "blank");
    }
    if (label != null && label.ownedBy(config.clusterId(), config.nodeId())) {
      if (p.sizeBytes() < label.capacityBytes()) {
        throw new StoreException("device " + p.path() + " is " + p.sizeBytes() + " bytes, smaller than the "
            + label.capacityBytes() + " it was labelled with; its last slots are gone");
      }
      Optional<DeviceRegistry.Entry> known = registry.find(label.deviceId());
      if (known.isPresent()) {
        DeviceRegistry.Entry e = known.get();
        boolean moved = !e.path().equals(p.path().toString());
        return new Plan(p, label, false, moved ? registry.seenAt(e, p.path().toString()) : e, moved);
      }
      if (!indexWasEmpty && !config.force()) {
        throw new ForeignDeviceException("device " + p.path() + " is labelled for this node (cluster "
            + label.clusterId() + ", node " + label.nodeId() + ") as device " + label.deviceId()
            + ", but the index at " + config.indexDir() + " does not know it, so it may hold another index's blocks;"
            + " remove it from the configuration, or open with force to reuse it as empty space");
      }
      LOG.warn("device {} is labelled for this node but unknown to the index at {}; adopting it as empty space",
          p.path(), config.indexDir());
      return new Plan(p, label, false, registry.register(label.deviceId(), p.path().toString()), true);
    }
    String what;
    if (label != null) {
      what = "is labelled for cluster " + label.clusterId() + ", node " + label.nodeId() + " (device " + label.deviceId()
          + "), not this cluster " + config.clusterId() + ", node " + config.nodeId();
    } else if (p.damage() != null) {
      what = "has a damaged pxlite label (" + p.damage() + ")";
    } else {
      what = "has no pxlite label but holds data (" + p.foreignData() + ")";
    }
    if (!config.force()) {
      throw new ForeignDeviceException("device " + p.path() + " " + what
          + "; refusing to use it. Open with force to take it over; whatever it holds will be overwritten");
    }
    LOG.warn("device {} {}; taking it over because force is set", p.path(), what);
    if (label != null && registry.find(label.deviceId()).isPresent() && p.sizeBytes() >= label.capacityBytes()) {
      // The index already holds blocks on it (the node or cluster id changed): keep id and layout.
      DeviceRegistry.Entry e = registry.seenAt(registry.find(label.deviceId()).get(), p.path().toString());
      return new Plan(p, newLabel(label.deviceId(), label.capacityBytes()), true, e, true);
    }
    return fresh(p, newLabel(UUID.randomUUID(), p.sizeBytes()), "taken over");
  }

  private Plan fresh(Probe p, DeviceLabel label, String why) {
    LOG.info("labelling {} device {} as device {} ({} bytes)", why, p.path(), label.deviceId(), label.capacityBytes());
    return new Plan(p, label, true, registry.register(label.deviceId(), p.path().toString()), true);
  }

  private DeviceLabel newLabel(UUID id, long capacity) {
    return new DeviceLabel(config.clusterId(), config.nodeId(), id, capacity);
  }

  private Probe probe(DeviceConfig dc) {
    Path path = dc.path().toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      if (dc.sizeBytes() < MIN_BYTES) {
        throw new StoreException("device file " + path + " does not exist and its configured size " + dc.sizeBytes()
            + " is below the minimum of " + MIN_BYTES + " bytes (1 MiB reserved plus " + MIN_SLOTS + " slots)");
      }
      if (path.getParent() == null || !Files.isDirectory(path.getParent())) {
        throw new StoreException("cannot create device file " + path + ": directory " + path.getParent() + " does not exist");
      }
      return new Probe(path, dc.sizeBytes(), true, null, null, null);
    }
    long size = sizeOf(path);
    if (size < MIN_BYTES) {
      throw new StoreException("device " + path + " is " + size + " bytes; at least " + MIN_BYTES
          + " are needed (1 MiB reserved plus " + MIN_SLOTS + " slots)");
    }
    byte[] head = new byte[(int) Math.min(size, PROBE_BYTES)];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.wrap(head);
      while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
        // positional reads until the probe buffer is full
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot read device " + path + ": " + e.getMessage(), e);
    }
    try {
      Optional<DeviceLabel> label = DeviceLabel.decode(head);
      if (label.isPresent()) {
        return new Probe(path, size, false, label.get(), null, null);
      }
    } catch (DeviceLabel.DamagedLabelException e) {
      return new Probe(path, size, false, null, e.getMessage(), null);
    }
    for (byte b : head) {
      if (b != 0) {
        String what = ForeignSignature.find(head, head.length).map(ForeignSignature::description)
            .orElse("unrecognised non-zero bytes in its first MiB");
        return new Probe(path, size, false, null, null, what);
      }
    }
    return new Probe(path, size, false, null, null, null);
  }

  private static long sizeOf(Path path) {
    try {
      if (Files.isRegularFile(path)) {
        return Files.size(path);
      }
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      if ((mode & S_IFMT) != S_IFBLK) {
        throw new StoreException("device " + path + " is neither a regular file nor a block device");
      }
      // A block device's st_size is 0; the kernel publishes its size in 512-byte sectors.
      Path sysfs = Path.of("/sys/class/block", path.toRealPath().getFileName().toString(), "size");
      return Long.parseLong(Files.readString(sysfs).trim()) * 512;
    } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
      throw new StoreIOException("cannot determine the size of device " + path + ": " + e.getMessage(), e);
    }
  }

  private Admitted open(List<Plan> plans) {
    List<Device> devices = new ArrayList<>();
    List<DeviceRegistry.Entry> changed = new ArrayList<>();
    try {
      for (Plan plan : plans) {
        Path path = plan.probe().path();
        if (plan.probe().missing()) {
          Files.createFile(path);
          try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(plan.probe().sizeBytes());
          }
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        devices.add(new Device(path, channel, plan.label(), plan.entry().ordinal()));
        if (plan.writeLabel()) {
          ByteBuffer label = ByteBuffer.wrap(plan.label().encode());
          while (label.hasRemaining()) {
            channel.write(label, label.position());
          }
          channel.force(true);
        }
        if (plan.entryChanged()) {
          changed.add(plan.entry());
        }
      }
      return new Admitted(devices, changed);
    } catch (IOException | RuntimeException e) {
      for (Device d : devices) {
        try {
          d.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      // NIO's file exceptions carry only the path as their message; the class says what happened.
      String why = e instanceof java.nio.file.FileSystemException f && f.getReason() == null
          ? f.getFile() + ": " + e.getClass().getSimpleName().replace("Exception", "").replaceAll("(?<=.)([A-Z])", " $1").toLowerCase()
          : e.getMessage();
      throw new StoreIOException("cannot prepare device: " + why, e);
    }
  }
}
