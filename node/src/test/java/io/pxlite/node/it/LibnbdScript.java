package io.pxlite.node.it;

import java.time.Duration;

/**
 * Changes a volume through libnbd's Python binding: {@code statements} run against handle {@code h},
 * with {@code random(n, seed)} giving n reproducible random bytes; the script then flushes, so the
 * changes are acknowledged when it returns.
 */
final class LibnbdScript {
  private LibnbdScript() {}

  static void run(NodeProcess via, String volume, String statements) {
    String script = "import nbd, random as r\n"
        + "def random(n, seed):\n  g = r.Random(seed)\n  return g.randbytes(n)\n"
        + "h = nbd.NBD()\nh.connect_uri('" + via.nbdUri(volume) + "')\n"
        + statements + "\nh.flush()\nh.shutdown()\n";
    Cmd.run(Duration.ofMinutes(2), "/usr/bin/python3", "-c", script).ok();
  }
}
