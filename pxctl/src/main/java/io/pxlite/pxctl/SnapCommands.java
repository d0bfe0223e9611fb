package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.size;
import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pxctl snap create|list|delete}: frozen, read-only images of volumes. */
@Command(name = "snap", description = "Create, list and delete snapshots.")
final class SnapCommands implements Runnable {
  @ParentCommand Pxctl pxctl;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "create", description = "Snapshot a volume and print the snapshot's id.")
  void create(
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String volume,
      @Option(names = "--name", paramLabel = "NAME", description = "Snapshot name (default: chosen by the server).")
          String name) {
    ObjectNode request = JsonNodeFactory.instance.objectNode().put("volume", volume);
    if (name != null) {
      request.put("name", name);
    }
    JsonNode snapshot = pxctl.client().post("/v1/snapshots", request);
    pxctl.output().show(snapshot, out -> out.println("Volume successfully snapped: " + text(snapshot, "id")));
  }

  @Command(name = "list", description = "List snapshots, of one volume or of all.")
  void list(@Parameters(paramLabel = "VOL", arity = "0..1", description = "Only this volume's snapshots.") String volume) {
    printList(pxctl, volume == null ? "/v1/snapshots" : "/v1/snapshots?volume=" + PxliteClient.queryValue(volume));
  }

  /** The snapshots {@code path} lists, as a table (also {@code pxctl volume list --snapshot}). */
  static void printList(Pxctl pxctl, String path) {
    JsonNode snapshots = pxctl.client().get(path);
    pxctl.output().show(snapshots, out -> {
      Table table = new Table("ID", "NAME", "VOLUME", "SIZE", "CREATED", "CREATOR");
      for (JsonNode snapshot : snapshots) {
        table.row(text(snapshot, "id"), text(snapshot, "name"), text(snapshot, "volume"),
            size(snapshot, "size_bytes"), text(snapshot, "ctime"), text(snapshot, "creator"));
      }
      table.print(out);
    });
  }

  /** The snapshot named {@code ref} or with id {@code ref}, if there is one. */
  static java.util.Optional<JsonNode> find(Pxctl pxctl, String ref) {
    for (JsonNode snapshot : pxctl.client().get("/v1/snapshots")) {
      if (text(snapshot, "name").equals(ref) || text(snapshot, "id").equals(ref)) {
        return java.util.Optional.of(snapshot);
      }
    }
    return java.util.Optional.empty();
  }

  /** One snapshot in detail ({@code pxctl volume inspect SNAP}). */
  static void printInspect(Pxctl pxctl, JsonNode snapshot) {
    pxctl.output().show(snapshot, out -> new KeyValueBlock()
        .add("Snapshot", text(snapshot, "id"))
        .add("Name", text(snapshot, "name"))
        .add("Parent volume", text(snapshot, "volume") + " (" + text(snapshot, "volume_id") + ")")
        .add("Creator", text(snapshot, "creator"))
        .add("Size", size(snapshot, "size_bytes"))
        .add("Created", text(snapshot, "ctime"))
        .add("NBD URI", text(snapshot, "nbd_uri"))
        .print(out, ""));
  }

  @Command(name = "delete", description = "Delete a snapshot.")
  void delete(@Parameters(paramLabel = "SNAP", description = "Snapshot name or id.") String ref) {
    JsonNode reply = pxctl.client().delete("/v1/snapshots/" + PxliteClient.segment(ref));
    pxctl.output().show(reply, out -> out.println("Snapshot " + ref + " successfully deleted"));
  }
}
