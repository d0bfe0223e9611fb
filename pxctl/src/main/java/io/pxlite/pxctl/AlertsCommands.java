package io.pxlite.pxctl;

import static io.pxlite.pxctl.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pxctl alerts show}: what needs an operator, as the node sees it now, most severe first. */
@Command(name = "alerts", description = "Show alerts: checksum errors, degraded or rebuilding replicas, full or"
    + " failed devices, an unreachable kvdb, nodes offline.")
final class AlertsCommands implements Runnable {
  @ParentCommand Pxctl pxctl;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  @Command(name = "show", description = "List the alerts this node sees now.")
  void show() {
    JsonNode alerts = pxctl.client().get("/v1/alerts");
    pxctl.output().show(alerts, out -> {
      if (alerts.isEmpty()) {
        out.println("No alerts.");
        return;
      }
      Table table = new Table("TIME", "SEVERITY", "KIND", "RESOURCE", "MESSAGE");
      for (JsonNode alert : alerts) {
        table.row(text(alert, "since"), text(alert, "severity").toUpperCase(java.util.Locale.ROOT), text(alert, "kind"),
            text(alert, "resource_type") + "/" + text(alert, "resource"), text(alert, "message"));
      }
      table.print(out);
    });
  }
}
