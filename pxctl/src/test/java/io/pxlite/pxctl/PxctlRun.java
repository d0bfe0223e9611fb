package io.pxlite.pxctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of pxctl, as {@code main} would run it, with stdout and stderr captured. */
record PxctlRun(int exitCode, String out, String err) {
  static PxctlRun of(String... args) {
    CommandLine commandLine = Pxctl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new PxctlRun(exitCode, out.toString(), err.toString());
  }

  /** Runs against {@code server} with {@code args} after the global {@code --endpoint}. */
  static PxctlRun against(CannedServer server, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--endpoint";
    all[1] = server.endpoint();
    System.arraycopy(args, 0, all, 2, args.length);
    return of(all);
  }
}
