package io.pxlite.node.volume;

import io.pxlite.node.config.ByteSize;
import io.pxlite.node.config.ConfigException;
import io.pxlite.api.ApiException;
import io.pxlite.api.IoLimits;
import io.pxlite.api.VolumeCreateRequest;
import io.pxlite.node.volume.schedule.SnapSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the options users give (pxctl flags, Docker's {@code --opt k=v}) into a {@link VolumeSpec},
 * with PX's names and defaults. An unknown option is an error that names it: PX once turned unknown
 * keys into labels, which hid typos.
 */
public final class VolumeSpecParser {
  public static final Set<String> KEYS =
      Set.of("size", "repl", "fs", "block_size", "io_priority", "snap_interval", "labels", "label", "nodes",
          "max_iops", "max_bandwidth", "periodic", "daily", "weekly", "monthly");
  static final long DEFAULT_SIZE = ByteSize.GIB;
  static final int DEFAULT_BLOCK_SIZE = 4096;
  private static final int MOUNTABLE_BLOCK_SIZE = 4096;
  private static final Set<String> FILESYSTEMS = Set.of("ext4", "xfs", "none");

  private VolumeSpecParser() {}

  /**
   * @param options option name to value; null values are treated as absent
   * @throws ConfigException naming the option and the problem
   */
  public static VolumeSpec parse(Map<String, String> options) {
    Map<String, String> opts = new LinkedHashMap<>();
    options.forEach((k, v) -> {
      if (v != null) {
        opts.put(k.trim().toLowerCase(Locale.ROOT), v.trim());
      }
    });
    for (String key : opts.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException(key, "unknown volume option (known: block_size, daily, fs, io_priority, labels,"
            + " max_bandwidth, max_iops, monthly, nodes, periodic, repl, size, snap_interval, weekly)");
      }
    }
    long size = opts.containsKey("size") ? ByteSize.parse(opts.get("size"), ByteSize.GIB, "size") : DEFAULT_SIZE;
    if (size <= 0 || size % 4096 != 0) {
      throw new ConfigException("size", ByteSize.format(size) + " (" + size + " bytes) must be a positive multiple of 4 KiB");
    }
    int repl = integer(opts, "repl", 1);
    if (repl < 1) {
      throw new ConfigException("repl", "must be at least 1, got " + repl);
    }
    String fs = opts.getOrDefault("fs", "ext4").toLowerCase(Locale.ROOT);
    if (!FILESYSTEMS.contains(fs)) {
      throw new ConfigException("fs", "'" + fs + "' is not supported (use ext4, xfs or none)");
    }
    long blockSize = opts.containsKey("block_size")
        ? ByteSize.parse(opts.get("block_size"), ByteSize.KIB, "block_size") : DEFAULT_BLOCK_SIZE;
    if (blockSize < 1024 || blockSize > 65536 || Long.bitCount(blockSize) != 1) {
      throw new ConfigException("block_size", ByteSize.format(blockSize) + " must be a power of two from 1K to 64K");
    }
    if (!fs.equals("none") && blockSize > MOUNTABLE_BLOCK_SIZE) {
      // Linux mounts ext4 and xfs only with blocks no larger than a page.
      throw new ConfigException("block_size", ByteSize.format(blockSize) + " is larger than the 4K page size, so " + fs
          + " on it could not be mounted; use 4K or less, or fs none for a raw block device");
    }
    String priority = IoPolicyOptions.priority(opts.getOrDefault("io_priority", "medium"));
    IoLimits limits = IoLimits.NONE;
    if (opts.containsKey("max_iops")) {
      limits = IoPolicyOptions.withIops(limits, opts.get("max_iops"));
    }
    if (opts.containsKey("max_bandwidth")) {
      limits = IoPolicyOptions.withBandwidth(limits, opts.get("max_bandwidth"));
    }
    int snapInterval = integer(opts, "snap_interval", 0);
    if (snapInterval < 0) {
      throw new ConfigException("snap_interval", "must be 0 (off) or a number of minutes, got " + snapInterval);
    }
    List<SnapSchedule> schedules = schedules(opts, Instant.now());
    Optional<SnapSchedule> periodic = schedules.stream().filter(x -> x.kind() == SnapSchedule.Kind.PERIODIC).findFirst();
    if (periodic.isPresent()) {
      if (snapInterval != 0 && snapInterval != periodic.get().periodMinutes()) {
        throw new ConfigException("snap_interval", snapInterval + " minutes disagrees with periodic "
            + periodic.get().when() + "; give one of them");
      }
      snapInterval = periodic.get().periodMinutes();
    } else if (snapInterval > 0) {
      // PX's snap_interval: a periodic schedule with PX's default retention.
      schedules.add(0, SnapSchedule.parse(SnapSchedule.Kind.PERIODIC, Integer.toString(snapInterval), Instant.now()));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String key : new String[] {"labels", "label"}) {
      if (opts.containsKey(key)) {
        labels.putAll(labels(opts.get(key), key));
      }
    }
    List<String> nodes = nodes(opts.getOrDefault("nodes", ""));
    if (nodes.size() > repl) {
      throw new ConfigException("nodes", "names " + nodes.size() + " nodes " + nodes + " for " + repl
          + " replica(s); name at most repl nodes");
    }
    return new VolumeSpec(size, repl, fs, (int) blockSize, priority, snapInterval, labels, nodes, limits, schedules);
  }

  /**
   * The snapshot schedules among {@code opts} ({@code periodic}, {@code daily}, {@code weekly},
   * {@code monthly}), in force from {@code since}; "0" or "off" means none of that kind.
   */
  public static List<SnapSchedule> schedules(Map<String, String> opts, Instant since) {
    List<SnapSchedule> schedules = new ArrayList<>();
    for (SnapSchedule.Kind kind : SnapSchedule.Kind.values()) {
      String text = opts.get(kind.option());
      if (text != null && !text.isBlank() && !isOff(text)) {
        schedules.add(SnapSchedule.parse(kind, text, since));
      }
    }
    return schedules;
  }

  /** Whether a schedule option's value turns that schedule off. */
  public static boolean isOff(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return t.equals("0") || t.equals("off") || t.equals("none");
  }

  /** Node ids separated by commas or semicolons (the latter inside Docker's inline {@code k=v,...} names). */
  private static List<String> nodes(String text) {
    List<String> nodes = new ArrayList<>();
    for (String id : text.split("[,;]")) {
      String trimmed = id.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (nodes.contains(trimmed)) {
        throw new ConfigException("nodes", "names node " + trimmed + " twice; replicas go on distinct nodes");
      }
      nodes.add(trimmed);
    }
    return nodes;
  }

  /**
   * The spec of an API create request.
   *
   * @throws ApiException 400 naming the option
   */
  static VolumeSpec fromRequest(VolumeCreateRequest r) {
    Map<String, String> options = new HashMap<>();
    options.put("size", r.size());
    options.put("repl", r.repl() == null ? null : r.repl().toString());
    options.put("fs", r.fs());
    options.put("block_size", r.blockSize());
    options.put("io_priority", r.ioPriority());
    options.put("snap_interval", r.snapInterval() == null ? null : r.snapInterval().toString());
    options.put("nodes", r.nodes());
    options.put("max_iops", r.maxIops());
    options.put("max_bandwidth", r.maxBandwidth());
    options.put("periodic", r.periodic());
    options.put("daily", r.daily());
    options.put("weekly", r.weekly());
    options.put("monthly", r.monthly());
    try {
      VolumeSpec spec = VolumeSpecParser.parse(options);
      if (r.labels() != null && !r.labels().isEmpty()) {
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.putAll(r.labels());
        spec = new VolumeSpec(spec.sizeBytes(), spec.repl(), spec.fs(), spec.blockSize(), spec.ioPriority(),
            spec.snapInterval(), labels, spec.nodes(), spec.limits(), spec.schedules());
      }
      return spec;
    } catch (ConfigException e) {
      throw ApiException.badRequest("invalid " + e.getMessage().replace("config field", "option"));
    }
  }

  /** {@code k=v,k2=v2}; keys and values must be non-empty. */
  static Map<String, String> labels(String text, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new ConfigException(field, "'" + pair + "' is not key=value");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  private static int integer(Map<String, String> opts, String key, int dflt) {
    String v = opts.get(key);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "'" + v + "' is not a whole number");
    }
  }
}
