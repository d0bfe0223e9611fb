package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pxctl status}: this node, its devices, the cluster summary, the kvdb and overall health. */
@Command(name = "status", description = "Show this node, the cluster summary and health.")
final class StatusCommand implements Runnable {
  @ParentCommand Pxctl pxctl;

  @Override
  public void run() {
    JsonNode status = pxctl.client().get("/v1/status");
    // 503 is /health's answer while something is degraded; an older node without it is left out.
    Optional<JsonNode> health = health(pxctl.client());
    pxctl.output().show(status, out -> print(status, health, out));
  }

  /**
   * /health's answer; empty from an older node without it (404). Any other failure is shown as the
   * reason the health is unknown: the rest of the status was read and is still worth printing.
   */
  private static Optional<JsonNode> health(PxliteClient client) {
    try {
      return client.getAnswer("/health", 503);
    } catch (PxctlException e) {
      ObjectNode unknown = JsonNodeFactory.instance.objectNode().put("status", "unknown");
      unknown.putArray("reasons").add("/health failed: " + e.getMessage());
      return Optional.of(unknown);
    }
  }

  private static void print(JsonNode status, Optional<JsonNode> healthReply, PrintWriter out) {
    JsonNode node = status.path("node");
    String health = text(status, "health");
    out.println("Status: " + (health.equals("healthy") ? "pxlite is operational" : "pxlite is not healthy: " + health));
    out.println("Node ID: " + text(node, "id"));
    out.println("  IP: " + addresses(node));
    int devices = node.path("devices").size();
    out.println("  Local storage devices: " + (devices == 0 ? "none" : devices + (devices == 1 ? " device" : " devices")));
    if (devices > 0) {
      Table table = new Table("DEVICE", "PATH", "CAPACITY", "USED", "USE");
      for (JsonNode device : node.path("devices")) {
        table.row(text(device, "id"), text(device, "path"), JsonFields.size(device, "capacity_bytes"),
            JsonFields.size(device, "used_bytes"),
            CapacityBar.of(device.path("used_bytes").asLong(), device.path("capacity_bytes").asLong()));
      }
      table.print(out, "  ");
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
        .add("Use", CapacityBar.of(capacity - free, capacity))
        .print(out, "  ");
    healthReply.ifPresent(h -> {
      out.println("Health: " + (h.path("reasons").isEmpty() ? "ok" : text(h, "status")));
      h.path("reasons").forEach(reason -> out.println("  - " + reason.asText()));
    });
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
