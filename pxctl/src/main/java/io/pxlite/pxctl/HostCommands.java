package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pxctl host attach|detach|mount|unmount}: a volume's block device and mounts on the host of
 * the node pxctl talks to (the one behind {@code --endpoint}). Every reply is that host's attachment:
 * {@code volume}, {@code node}, {@code device_path}, {@code mountpoints}, {@code users}.
 */
@Command(name = "host", description = "Attach, detach, mount and unmount volumes on this node's host.")
final class HostCommands implements Runnable {
  @ParentCommand Pxctl pxctl;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "attach", description = "Attach a volume to this host as a block device.")
  void attach(@Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref) {
    JsonNode reply = pxctl.client().post(volumePath(ref, "attach"));
    pxctl.output().show(reply, out -> out.println("Volume successfully attached at: " + text(reply, "device_path")));
  }

  @Command(name = "detach", description = "Detach a volume from this host.")
  void detach(@Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref) {
    JsonNode reply = pxctl.client().post(volumePath(ref, "detach"));
    pxctl.output().show(reply, out -> out.println("Volume successfully detached"));
  }

  @Command(name = "mount", description = "Mount an attached volume at a path on this host.")
  void mount(
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref,
      @Parameters(paramLabel = "PATH",
          description = "Where to mount it; a relative path is taken from the current directory.") String path) {
    String absolute = absolute("mount", path);
    ObjectNode request = JsonNodeFactory.instance.objectNode().put("path", absolute);
    JsonNode reply = pxctl.client().post(volumePath(ref, "mount"), request);
    pxctl.output().show(reply, out -> out.println("Volume " + ref + " successfully mounted at " + absolute));
  }

  @Command(name = "unmount", description = "Unmount a volume from this host; it stays attached.")
  void unmount(
      @Parameters(paramLabel = "VOL", description = "Volume name or id.") String ref,
      @Parameters(paramLabel = "PATH", arity = "0..1",
          description = "The mount path; a relative path is taken from the current directory. "
              + "Without PATH, every path it was mounted at with pxctl host mount.") String path) {
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    if (path != null) {
      request.put("path", absolute("unmount", path));
    }
    JsonNode reply = pxctl.client().post(volumePath(ref, "unmount"), request);
    pxctl.output().show(reply, out -> out.println("Volume " + ref + " successfully unmounted"));
  }

  private static String volumePath(String ref, String action) {
    return "/v1/volumes/" + PxliteClient.segment(ref) + "/" + action;
  }

  /**
   * PATH as the server needs it, since the server does not share pxctl's working directory: an
   * absolute path as typed, a relative one resolved against the current directory and cleaned
   * ({@code ./a/../b} becomes {@code <cwd>/b}), as PX's Go {@code filepath.Abs} does.
   */
  private String absolute(String verb, String path) {
    if (path.isBlank()) {
      throw new ParameterException(spec.subcommands().get(verb), "PATH must not be empty");
    }
    try {
      Path typed = Path.of(path);
      return typed.isAbsolute() ? path : typed.toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      throw new ParameterException(spec.subcommands().get(verb), "Invalid PATH '" + path + "': " + e.getReason());
    }
  }
}
