package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pxctl volume stats [VOL] [--watch]}: a volume's IOPS, throughput, latency and queue depth as
 * the node pxctl talks to serves it, from two readings of its metrics an interval apart; with
 * {@code --watch}, a frame per interval like {@code top}.
 */
@Command(name = "stats", description = "Show a volume's (or every volume's) IOPS, MB/s, latency p50/p99 and queue"
    + " depth on this node; --watch refreshes like top.")
final class VolumeStatsCommand implements Runnable {
  private static final String CLEAR_SCREEN = "\033[H\033[2J";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand VolumeCommands volumes;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "VOL", arity = "0..1", description = "Volume name or id; every volume when left out.")
  String ref;

  @Option(names = "--watch", description = "Refresh every interval until interrupted (or --count frames).")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
      description = "Seconds between the two readings (and between frames); default ${DEFAULT-VALUE}.")
  double interval;

  @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N frames.")
  Integer count;

  @Override
  public void run() {
    if (interval < 0) {
      throw new ParameterException(spec.commandLine(), "--interval must not be negative, got " + interval);
    }
    PxliteClient client = volumes.pxctl.client();
    Optional<JsonNode> volume = Optional.ofNullable(ref).map(r -> client.get("/v1/volumes/" + PxliteClient.segment(r)));
    JsonNode before = client.get("/v1/metrics");
    long beforeNanos = System.nanoTime();
    int frames = watch ? (count == null ? Integer.MAX_VALUE : count) : 1;
    for (int frame = 0; frame < frames; frame++) {
      pause();
      JsonNode after = client.get("/v1/metrics");
      long afterNanos = System.nanoTime();
      Map<String, VolumeIo> all = VolumeIo.between(before, after, (afterNanos - beforeNanos) / 1e9);
      boolean last = frame == frames - 1;
      JsonNode node = after;
      volumes.pxctl.output().show(json(volume, all), out -> {
        if (watch) {
          out.print(CLEAR_SCREEN);
        }
        if (volume.isPresent()) {
          printOne(volume.get(), all, node, out);
        } else {
          printAll(all, node, out);
        }
      });
      before = after;
      beforeNanos = afterNanos;
      if (last) {
        break;
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(Math.round(interval * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PxctlException("interrupted", e);
    }
  }

  private static JsonNode json(Optional<JsonNode> volume, Map<String, VolumeIo> all) {
    if (volume.isPresent()) {
      return VolumeIo.find(all, text(volume.get(), "id"), text(volume.get(), "name"))
          .<JsonNode>map(VolumeIo::toJson).orElseGet(JSON::createObjectNode);
    }
    ArrayNode list = JSON.createArrayNode();
    all.values().forEach(v -> list.add(v.toJson()));
    return list;
  }

  private static void printOne(JsonNode volume, Map<String, VolumeIo> all, JsonNode metrics, PrintWriter out) {
    String name = text(volume, "name");
    Optional<VolumeIo> io = VolumeIo.find(all, text(volume, "id"), name);
    if (io.isEmpty()) {
      out.println("no I/O metrics for volume " + name + " on node " + text(metrics, "node_id") + ": "
          + whyNoSeries(text(volume, "attached_on"), text(metrics, "node_id")));
      return;
    }
    VolumeIo v = io.get();
    out.printf("Volume %s (%s) on node %s, over %.1f s%n", v.volumeName(), v.volumeId(), text(metrics, "node_id"), v.seconds());
    new Table("", "READ", "WRITE")
        .row("IOPS", whole(v.readIops()), whole(v.writeIops()))
        .row("MB/s", twoPlaces(v.readMBps()), twoPlaces(v.writeMBps()))
        .row("latency p50 (ms)", twoPlaces(v.readP50Ms()), twoPlaces(v.writeP50Ms()))
        .row("latency p99 (ms)", twoPlaces(v.readP99Ms()), twoPlaces(v.writeP99Ms()))
        .print(out, "  ");
    new KeyValueBlock()
        .add("Queue depth", v.depth())
        .add("Used here", HumanSize.of(v.usedBytes()))
        .print(out, "  ");
  }

  /** Only the node serving a volume records its I/O, so the useful hint is which node that is. */
  private static String whyNoSeries(String attachedOn, String thisNode) {
    if (attachedOn.equals(JsonFields.NONE)) {
      return "no client has it open here";
    }
    if (attachedOn.equals(thisNode)) {
      // Served here yet no series: per-volume request metrics are off on this node.
      return "it is attached here, but this node records no per-volume I/O (started with -Dpxlite.metrics.io=off?)";
    }
    return "it is attached on node " + attachedOn + "; ask that node with --endpoint";
  }

  private static void printAll(Map<String, VolumeIo> all, JsonNode metrics, PrintWriter out) {
    if (all.isEmpty()) {
      out.println("no volume has I/O metrics on node " + text(metrics, "node_id"));
      return;
    }
    Table table = new Table("VOLUME", "READ IOPS", "WRITE IOPS", "READ MB/s", "WRITE MB/s", "WRITE p99 ms", "DEPTH");
    for (VolumeIo v : all.values()) {
      table.row(v.volumeName(), whole(v.readIops()), whole(v.writeIops()), twoPlaces(v.readMBps()),
          twoPlaces(v.writeMBps()), twoPlaces(v.writeP99Ms()), v.depth());
    }
    table.print(out);
  }

  private static String whole(double value) {
    return String.format("%,d", Math.round(value));
  }

  private static String twoPlaces(double value) {
    return String.format("%.2f", value);
  }
}
