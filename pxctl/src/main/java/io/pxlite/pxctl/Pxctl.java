package io.pxlite.pxctl;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pxctl} command: global options, the noun-first command tree (as PX users know it), and
 * the exit-code contract: 0 success, 1 server or connection error (one {@code pxctl: ...} line on
 * stderr), 2 usage error (picocli's message and usage).
 */
@Command(
    name = "pxctl",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Pxctl.Version.class,
    description = "Manage a pxlite cluster: its nodes, volumes and snapshots.",
    subcommands = {
      StatusCommand.class,
      ClusterCommands.class,
      VolumeCommands.class,
      SnapCommands.class,
      AlertsCommands.class,
      HostCommands.class,
      HelpCommand.class
    })
public final class Pxctl implements Runnable {
  /** Long enough for calls that wait on etcd and a Raft commit, short enough that a hang ends. */
  static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  @Spec CommandSpec spec;

  @Option(
      names = "--endpoint",
      scope = ScopeType.INHERIT,
      paramLabel = "SOCKET|URL",
      defaultValue = "${env:PXLITE_ENDPOINT:-" + Endpoint.DEFAULT + "}",
      converter = Endpoint.Converter.class,
      description = "The node's management API: a unix socket path or http://host:port "
          + "(default: $PXLITE_ENDPOINT, else " + Endpoint.DEFAULT + ").")
  Endpoint endpoint;

  @Option(
      names = {"-j", "--json"},
      scope = ScopeType.INHERIT,
      description = "Print the server's JSON reply (pretty) instead of the human form.")
  boolean json;

  public static void main(String[] args) {
    CommandLine commandLine = commandLine();
    int exitCode = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(exitCode);
  }

  /** The configured command tree; tests call this and redirect its out and err. */
  public static CommandLine commandLine() {
    return new CommandLine(new Pxctl())
        .setExecutionExceptionHandler(Pxctl::reportFailure);
  }

  /** A client for the chosen endpoint. */
  PxliteClient client() {
    return new PxliteClient(endpoint, endpoint.openTransport(REQUEST_TIMEOUT));
  }

  CommandOutput output() {
    return new CommandOutput(spec.commandLine().getOut(), json);
  }

  /** {@code pxctl} alone is a usage error, as is a noun without a verb. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  private static int reportFailure(Exception failure, CommandLine commandLine, ParseResult parsed) {
    if (failure instanceof PxctlException expected) {
      commandLine.getErr().println("pxctl: " + expected.getMessage());
    } else {
      // A bug in pxctl: one line for the user, then the trace for the bug report.
      commandLine.getErr().println("pxctl: internal error: " + failure);
      failure.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return 1;
  }

  /** {@code Implementation-Version} from the jar manifest; classes outside a jar are a development build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Pxctl.class.getPackage().getImplementationVersion();
      return new String[] {"pxctl " + (version != null ? version : "(development build)")};
    }
  }
}
