package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pxctl status}: this node, its devices, the cluster summary, the kvdb and overall health. */
@Command(name = "status", description = "Show this node, the cluster summary and health.")
final class StatusCommand implements Runnable {
  @ParentCommand Pxctl pxctl;

  @Override
  public void run() {
    JsonNode status = pxctl.client().get("/v1/status");
    pxctl.output().show(status, out -> print(status, out));
  }

  private static void print(JsonNode status, PrintWriter out) {
    JsonNode node = status.path("node");
    String health = text(status, "health");
    out.println("Status: " + (health.equals("healthy") ? "pxlite is operational" : "pxlite is not healthy: " + health));
    out.println("Node ID: " + text(node, "id"));
    out.println("  IP: " + addresses(node));
    int devices = node.path("devices").size();
    out.println("  Local storage devices: " + (devices == 0 ? "none" : devices + (devices == 1 ? " device" : " devices")));
    if (devices > 0) {
      ClusterCommands.deviceTable(node).print(out, "  ");
    }
    out.println("Cluster Summary");
    out.println("  Cluster ID: " + text(status, "cluster_id"));
    out.println("  Nodes: " + status.path("nodes_online").asInt() + " online / "
        + status.path("nodes_total").asInt() + " total");
    out.println("  KVDB: " + JsonFields.list(status, "kvdb_endpoints")
        + (status.path("kvdb_reachable").asBoolean() ? " (reachable)" : " (UNREACHABLE)"));
    long capacity = status.path("cluster_capacity_bytes").asLong();
    long free = status.path("cluster_free_bytes").asLong();
    out.println("Global Storage Pool");
    new KeyValueBlock()
        .add("Total Used", HumanSize.of(capacity - free))
        .add("Total Free", HumanSize.of(free))
        .add("Total Capacity", HumanSize.of(capacity))
        .print(out, "  ");
  }

  /** "10.0.0.1 (management), 10.0.1.1 (data)", or one address when both networks are the same. */
  private static String addresses(JsonNode node) {
    String mgmt = text(node, "mgmt_ip");
    String data = text(node, "data_ip");
    if (data.equals(mgmt) || data.equals(JsonFields.NONE)) {
      return mgmt;
    }
    return mgmt + " (management), " + data + " (data)";
  }
}
