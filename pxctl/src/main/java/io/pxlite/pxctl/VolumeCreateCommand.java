package io.pxlite.pxctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pxctl volume create NAME [flags]}: prints the new volume's id, like PX. Values go to the
 * server as typed (it owns the size grammar and the limits); only integers are checked here.
 */
@Command(name = "create", description = "Create a volume and print its id.")
final class VolumeCreateCommand implements Runnable {
  @ParentCommand VolumeCommands volumes;

  @Parameters(paramLabel = "NAME", description = "Volume name.")
  String name;

  @Option(names = {"-s", "--size"}, paramLabel = "SIZE",
      description = "Size: a bare number is GiB; K, M, G, T suffixes are binary (e.g. 512M, 10G).")
  String size;

  @Option(names = {"-r", "--repl"}, paramLabel = "N", description = "Number of replicas (1 to 3).")
  Integer repl;

  @Option(names = "--fs", paramLabel = "none|ext4|xfs", description = "Filesystem to format the volume with.")
  String fs;

  @Option(names = {"-b", "--block_size"}, paramLabel = "SIZE", description = "Block size, e.g. 4K.")
  String blockSize;

  @Option(names = {"-l", "--label"}, split = ",", paramLabel = "KEY=VALUE",
      description = "Labels, k=v[,k=v]; may be repeated.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--io_priority", paramLabel = "high|medium|low", description = "IO priority.")
  String ioPriority;

  @Option(names = "--max_iops", paramLabel = "R,W",
      description = "Read and write IOPS limits for all the volume's clients together (one number for both).")
  String maxIops;

  @Option(names = "--max_bandwidth", paramLabel = "R,W",
      description = "Read and write bandwidth limits in MiB/s (or e.g. 512K; one value for both).")
  String maxBandwidth;

  @Option(names = "--snap_interval", paramLabel = "MIN", description = "Minutes between snapshots (0 = off).")
  Integer snapInterval;

  @Option(names = "--periodic", paramLabel = "MINS,KEEP",
      description = "Snapshot every MINS minutes, keeping the newest KEEP (default 5).")
  String periodic;

  @Option(names = "--daily", paramLabel = "HH:MM,KEEP", description = "Snapshot daily at HH:MM UTC (keep default 7).")
  String daily;

  @Option(names = "--weekly", paramLabel = "WEEKDAY@HH:MM,KEEP",
      description = "Snapshot weekly, e.g. sunday@02:00,4 (UTC; keep default 5).")
  String weekly;

  @Option(names = "--monthly", paramLabel = "DAY@HH:MM,KEEP",
      description = "Snapshot monthly, e.g. 1@02:00,12 (UTC; a shorter month uses its last day; keep default 12).")
  String monthly;

  @Option(names = "--nodes", paramLabel = "ID[,ID]",
      description = "Nodes to put the replicas on (at most repl; the rest go where there is most free space).")
  String nodes;

  @Override
  public void run() {
    JsonNode volume = volumes.pxctl.client().post("/v1/volumes", request());
    volumes.pxctl.output().show(volume, out -> out.println(JsonFields.text(volume, "id")));
  }

  /** The VolumeCreateRequest JSON, with only the fields the user gave (the server fills defaults). */
  private ObjectNode request() {
    ObjectNode request = JsonNodeFactory.instance.objectNode().put("name", name);
    putIfGiven(request, "size", size);
    if (repl != null) {
      request.put("repl", repl);
    }
    putIfGiven(request, "fs", fs);
    putIfGiven(request, "block_size", blockSize);
    putIfGiven(request, "io_priority", ioPriority);
    if (snapInterval != null) {
      request.put("snap_interval", snapInterval);
    }
    putIfGiven(request, "nodes", nodes);
    putIfGiven(request, "max_iops", maxIops);
    putIfGiven(request, "max_bandwidth", maxBandwidth);
    putIfGiven(request, "periodic", periodic);
    putIfGiven(request, "daily", daily);
    putIfGiven(request, "weekly", weekly);
    putIfGiven(request, "monthly", monthly);
    if (!labels.isEmpty()) {
      ObjectNode labelObject = request.putObject("labels");
      labels.forEach(labelObject::put);
    }
    return request;
  }

  private static void putIfGiven(ObjectNode request, String field, String value) {
    if (value != null) {
      request.put(field, value);
    }
  }
}
