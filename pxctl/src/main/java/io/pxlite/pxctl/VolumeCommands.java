package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.size;
import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pxctl volume list|inspect|update|ha-update|restore|clone|delete} ({@code create} is
 * {@link VolumeCreateCommand}).
 */
@Command(
    name = "volume",
    description = "Create, list, inspect, update, restore, clone and delete volumes.",
    subcommands = {VolumeCreateCommand.class, VolumeStatsCommand.class})
final class VolumeCommands implements Runnable {
  @ParentCommand Pxctl pxctl;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "list", description = "List volumes (or, with --snapshot, snapshots).")
  void list(@picocli.CommandLine.Option(names = {"-s", "--snapshot"}, description = "List snapshots instead.")
      boolean snapshots) {
    if (snapshots) {
      SnapCommands.printList(pxctl, "/v1/snapshots");
      return;
    }
    JsonNode volumes = pxctl.client().get("/v1/volumes");
    pxctl.output().show(volumes, out -> {
      Table table = new Table("ID", "NAME", "SIZE", "HA", "SHARED", "STATUS");
      for (JsonNode volume : volumes) {
        // pxlite has no shared volumes yet; the column stays because PX users read it.
        table.row(text(volume, "id"), text(volume, "name"), size(volume, "size_bytes"),
            volume.path("repl").asInt(), "no", statusLine(volume));
      }
      table.print(out);
    });
  }

  @Command(name = "inspect", description = "Show one volume or snapshot in detail (-j for the full JSON).")
  void inspect(@Parameters(paramLabel = "VOL", description = "Volume or snapshot name or id.") String ref) {
    JsonNode volume;
    try {
      volume = pxctl.client().get("/v1/volumes/" + PxliteClient.segment(ref));
    } catch (ServerErrorException e) {
      if (e.status() != 404) {
        throw e;
      }
      JsonNode snapshot = SnapCommands.find(pxctl, ref).orElseThrow(() -> e);
      SnapCommands.printInspect(pxctl, snapshot);
      return;
    }
    pxctl.output().show(volume, out -> {
      int snapInterval = volume.path("snap_interval").asInt();
      new KeyValueBlock()
          .add("Volume", text(volume, "id"))
          .add("Name", text(volume, "name"))
          .add("Size", size(volume, "size_bytes"))
          .add("Format", text(volume, "fs"))
          .add("Block size", size(volume, "block_size"))
          .add("HA", volume.path("repl").asInt())
          .add("IO priority", text(volume, "io_priority"))
          .add("Max IOPS", IoLimitsText.iops(volume.path("io_limits")))
          .add("Max bandwidth", IoLimitsText.bandwidth(volume.path("io_limits")))
          .add("Snapshot interval", snapInterval > 0 ? snapInterval + " min" : "off")
          .add("Snap schedules", JsonFields.list(volume, "snap_schedules"))
          .add("Labels", JsonFields.labels(volume, "labels"))
          .add("Created", text(volume, "ctime"))
          .add("State", text(volume, "state"))
          .add("Status", statusLine(volume))
          .add("Used", size(volume, "used_bytes"))
          .add("Snapshot bytes", size(volume, "snapshot_bytes"))
          .add("Replica group", text(volume, "replica_group"))
          .add("Replicas", JsonFields.list(volume, "replicas"))
          .add("Group leader", text(volume, "group_leader"))
          .add("Replica states", replicaStates(volume))
          .add("Attached on", text(volume, "attached_on"))
          .add("Device path", text(volume, "device_path"))
          .add("Mount paths", JsonFields.list(volume, "attach_path"))
          .add("NBD URI", text(volume, "nbd_uri"))
          .add("Checksum errors", volume.path("checksum_errors").asLong())
          .print(out, "");
    });
  }

  @Command(name = "update", description = "Change a volume while it is in use: grow it with --size, change its"
      + " --io_priority, --max_iops or --max_bandwidth, or its snapshot schedules (--periodic, --daily, --weekly,"
      + " --monthly; 0 ends one).")
  void update(
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref,
      @picocli.CommandLine.Option(names = {"-s", "--size"},
          description = "New size: 20G, 512M, or a bare number of GiB. Volumes only grow.") String size,
      @picocli.CommandLine.Option(names = "--io_priority", paramLabel = "high|medium|low",
          description = "Its share of the node's I/O while volumes contend (4:2:1).") String ioPriority,
      @picocli.CommandLine.Option(names = "--max_iops", paramLabel = "R,W",
          description = "Read and write IOPS limits (one number for both; 0 = none).") String maxIops,
      @picocli.CommandLine.Option(names = "--max_bandwidth", paramLabel = "R,W",
          description = "Read and write bandwidth limits in MiB/s (or e.g. 512K; one value for both; 0 = none).")
          String maxBandwidth,
      @picocli.CommandLine.Option(names = "--periodic", paramLabel = "MINS,KEEP",
          description = "Snapshot every MINS minutes, keeping KEEP (0 = stop).") String periodic,
      @picocli.CommandLine.Option(names = "--daily", paramLabel = "HH:MM,KEEP",
          description = "Snapshot daily at HH:MM UTC (0 = stop).") String daily,
      @picocli.CommandLine.Option(names = "--weekly", paramLabel = "WEEKDAY@HH:MM,KEEP",
          description = "Snapshot weekly (0 = stop).") String weekly,
      @picocli.CommandLine.Option(names = "--monthly", paramLabel = "DAY@HH:MM,KEEP",
          description = "Snapshot monthly (0 = stop).") String monthly) {
    if (java.util.stream.Stream.of(size, ioPriority, maxIops, maxBandwidth, periodic, daily, weekly, monthly)
        .allMatch(java.util.Objects::isNull)) {
      throw new PxctlException("volume update: give at least one of --size, --io_priority, --max_iops, --max_bandwidth,"
          + " --periodic, --daily, --weekly, --monthly");
    }
    com.fasterxml.jackson.databind.node.ObjectNode body =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    putIfGiven(body, "size", size);
    putIfGiven(body, "io_priority", ioPriority);
    putIfGiven(body, "max_iops", maxIops);
    putIfGiven(body, "max_bandwidth", maxBandwidth);
    putIfGiven(body, "periodic", periodic);
    putIfGiven(body, "daily", daily);
    putIfGiven(body, "weekly", weekly);
    putIfGiven(body, "monthly", monthly);
    JsonNode reply = pxctl.client().patch("/v1/volumes/" + PxliteClient.segment(ref), body);
    pxctl.output().show(reply, out -> out.println("Update Volume: Volume update successful for volume " + ref));
  }

  private static void putIfGiven(com.fasterxml.jackson.databind.node.ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  @Command(name = "ha-update", description = "Change how many replicas a volume has, while it stays in use: "
      + "a new replica is copied before it counts, a removed one drops its copy.")
  void haUpdate(
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref,
      @picocli.CommandLine.Option(names = {"-r", "--repl"}, required = true, paramLabel = "N",
          description = "Number of replicas, 1 up to the nodes online.") int repl,
      @picocli.CommandLine.Option(names = {"-n", "--node"}, paramLabel = "NODE",
          description = "Node to add the replica on, or to remove it from (default: the node with the most free"
              + " space gets it, the fullest loses it).") String node) {
    com.fasterxml.jackson.databind.node.ObjectNode body =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("repl", repl);
    if (node != null) {
      body.put("node", node);
    }
    JsonNode reply = pxctl.client().patch("/v1/volumes/" + PxliteClient.segment(ref), body);
    pxctl.output().show(reply, out -> out.println("Update Volume Replication: Replication update successful for volume "
        + ref + "; replicas " + JsonFields.list(reply, "replicas")));
  }

  @Command(name = "restore", description = "Bring a detached volume back to one of its snapshots: afterwards it"
      + " reads as the snapshot did. Only what differs is written, through the volume's replicas.")
  void restore(
      @picocli.CommandLine.Option(names = {"-s", "--snapshot"}, required = true, paramLabel = "SNAP",
          description = "The volume's snapshot to restore, by name or id.") String snapshot,
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref) {
    JsonNode reply = pxctl.client().post("/v1/volumes/" + PxliteClient.segment(ref) + "/restore",
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("snapshot", snapshot));
    pxctl.output().show(reply, out -> out.printf(java.util.Locale.ROOT, "Successfully restored volume %s from snapshot %s: %s rewritten, %s"
        + " released, %s already equal (%.1f s)%n", text(reply, "volume"), text(reply, "snapshot"),
        HumanSize.of(reply.path("written_bytes").asLong()), HumanSize.of(reply.path("zeroed_bytes").asLong()),
        HumanSize.of(reply.path("compared_bytes").asLong() - reply.path("written_bytes").asLong()
            - reply.path("zeroed_bytes").asLong()),
        reply.path("millis").asLong() / 1000.0));
  }

  @Command(name = "clone", description = "Make a new volume that reads as a volume (now) or a snapshot did, with its"
      + " size, replication and I/O policy, independent of it from then on. The data is copied, holes skipped.")
  void cloneVolume(
      @picocli.CommandLine.Option(names = "--name", required = true, paramLabel = "NEW",
          description = "The new volume's name.") String name,
      @Parameters(paramLabel = "VOL|SNAP", description = "The volume or snapshot to clone, by name or id.")
          String source) {
    JsonNode reply = pxctl.client().post("/v1/volumes/" + PxliteClient.segment(source) + "/clone",
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("name", name));
    pxctl.output().show(reply, out -> out.println("Volume clone successful: " + text(reply, "id") + " ("
        + text(reply, "name") + ", from " + source + ")"));
  }

  @Command(name = "delete", description = "Delete a volume.")
  void delete(@Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref) {
    JsonNode reply = pxctl.client().delete("/v1/volumes/" + PxliteClient.segment(ref));
    pxctl.output().show(reply, out -> out.println("Volume " + ref + " successfully deleted"));
  }

  /** {@code node: state} per replica, with progress while catching up. */
  private static String replicaStates(JsonNode volume) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (JsonNode r : volume.path("replica_states")) {
      String state = text(r, "state");
      if (state.equals("catching up")) {
        state += " (" + r.path("log_index").asLong() + " of " + r.path("commit_index").asLong() + ")";
      } else if (state.equals("rebuilding")) {
        long total = r.path("rebuild_total_bytes").asLong();
        long copied = r.path("rebuild_copied_bytes").asLong();
        state += " (" + HumanSize.of(copied) + " of about " + HumanSize.of(total)
            + (total > 0 ? ", " + Math.min(100, copied * 100 / total) + "%" : "") + ")";
      } else if (state.equals("unhealthy")) {
        state += " (" + text(r, "reason") + ")";
      }
      out.add(text(r, "node") + ": " + state);
    }
    return out.isEmpty() ? JsonFields.NONE : String.join(", ", out);
  }

  /**
   * PX's STATUS column: {@code up - attached on <node>}, {@code up - detached}, or for a clone whose
   * copy holds it, {@code up - being cloned on <node>}.
   */
  private static String statusLine(JsonNode volume) {
    String attachedOn = text(volume, "attached_on");
    String where = attachedOn.equals(JsonFields.NONE) ? "detached"
        : text(volume, "state").equals("cloning") ? "being cloned on " + attachedOn : "attached on " + attachedOn;
    return text(volume, "status") + " - " + where;
  }
}
