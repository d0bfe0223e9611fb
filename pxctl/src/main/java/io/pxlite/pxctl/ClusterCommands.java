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

/** {@code pxctl cluster list|inspect|delete}: the nodes registered in the cluster. */
@Command(name = "cluster", description = "List, inspect and remove the cluster's nodes.")
final class ClusterCommands implements Runnable {
  @ParentCommand Pxctl pxctl;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "list", description = "List the cluster's nodes.")
  void list() {
    JsonNode nodes = pxctl.client().get("/v1/cluster/nodes");
    pxctl.output().show(nodes, out -> {
      Table table = new Table("ID", "MGMT IP", "CPU", "MEM TOTAL", "MEM FREE", "CAPACITY", "FREE", "VOLUMES", "STATUS");
      for (JsonNode node : nodes) {
        table.row(text(node, "id"), text(node, "mgmt_ip"), node.path("cpus").asInt(),
            size(node, "mem_total_bytes"), size(node, "mem_free_bytes"),
            size(node, "capacity_bytes"), size(node, "free_bytes"),
            node.path("volumes").asInt(), text(node, "status"));
      }
      table.print(out);
    });
  }

  @Command(name = "inspect", description = "Show one node in detail.")
  void inspect(@Parameters(paramLabel = "NODE", description = "Node id or management IP.") String ref) {
    JsonNode node = pxctl.client().get("/v1/cluster/nodes/" + PxliteClient.segment(ref));
    pxctl.output().show(node, out -> {
      new KeyValueBlock()
          .add("Node ID", text(node, "id"))
          .add("Status", text(node, "status"))
          .add("Mgmt IP", text(node, "mgmt_ip"))
          .add("Data IP", text(node, "data_ip"))
          .add("CPUs", node.path("cpus").asInt())
          .add("Memory total", size(node, "mem_total_bytes"))
          .add("Memory free", size(node, "mem_free_bytes"))
          .add("Capacity", size(node, "capacity_bytes"))
          .add("Free", size(node, "free_bytes"))
          .add("Volumes", node.path("volumes").asInt())
          .add("Devices", node.path("devices").size())
          .print(out, "");
      if (node.path("devices").size() > 0) {
        deviceTable(node).print(out, "  ");
      }
    });
  }

  @Command(name = "delete", description = "Remove a node from the cluster: its replicas are handed to other nodes "
      + "first (copied while the volumes stay in use), then it is taken out.")
  void delete(@Parameters(paramLabel = "NODE", description = "Node id or management IP.") String ref) {
    JsonNode reply = pxctl.client().delete("/v1/cluster/nodes/" + PxliteClient.segment(ref));
    pxctl.output().show(reply, out -> out.println("Node " + ref + " successfully deleted"));
  }

  /** A node's pooled devices; shared with {@code pxctl status}. */
  static Table deviceTable(JsonNode node) {
    Table table = new Table("DEVICE", "PATH", "CAPACITY", "USED");
    for (JsonNode device : node.path("devices")) {
      table.row(text(device, "id"), text(device, "path"), size(device, "capacity_bytes"), size(device, "used_bytes"));
    }
    return table;
  }
}
