package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * A running NBD server over in-memory exports, as every test here needs one: {@code vol}, a 64 MiB
 * read-write volume (empty), and {@code snap}, a 16 MiB read-only snapshot whose first MiB holds
 * seeded random data and the rest is a hole.
 */
final class ServedExports implements AutoCloseable {
  static final String VOLUME = "vol";
  static final String SNAPSHOT = "snap";
  static final long VOLUME_SIZE = 64L << 20;
  static final long SNAPSHOT_SIZE = 16L << 20;
  static final int SNAPSHOT_DATA = 1 << 20;

  final InMemoryCatalog catalog = new InMemoryCatalog();
  final NbdServer server;
  final byte[] snapshotData = new byte[SNAPSHOT_DATA];

  ServedExports(Path directory) {
    this(directory, Optional.empty());
  }

  ServedExports(Path directory, Optional<InetSocketAddress> tcp) {
    new Random(42).nextBytes(snapshotData);
    InMemoryExport snapshot = new InMemoryExport(SNAPSHOT, SNAPSHOT_SIZE, true);
    snapshot.put(0, snapshotData);
    catalog.add(new InMemoryExport(VOLUME, VOLUME_SIZE, false)).add(snapshot);
    server = NbdServer.start(catalog, directory.resolve("nbd.sock"), tcp);
  }

  Path socket() {
    return server.unixSocket();
  }

  InMemoryExport volume() {
    return catalog.get(VOLUME);
  }

  InMemoryExport snapshot() {
    return catalog.get(SNAPSHOT);
  }

  /** The libnbd / qemu URI of an export on the unix socket. */
  String uri(String export) {
    return "nbd+unix:///" + export + "?socket=" + socket();
  }

  /**
   * Proves the server still serves a well-behaved client: a fresh connection negotiates, reads the
   * snapshot's first 4 KiB, and disconnects cleanly.
   */
  void assertStillServes() {
    try (RawNbdClient client = RawNbdClient.transmitting(socket(), SNAPSHOT, false, false)) {
      client.sendRequest(0, NbdProtocol.CMD_READ, 77, 0, 4096);
      RawNbdClient.ReplyFrame reply = client.readReply(4096);
      assertThat(reply.cookie()).isEqualTo(77);
      assertThat(reply.errorCode()).isZero();
      assertThat(reply.payload()).isEqualTo(Arrays.copyOf(snapshotData, 4096));
      client.sendRequest(0, NbdProtocol.CMD_DISC, 78, 0, 0);
      assertThat(client.readUntilClosed()).as("bytes after NBD_CMD_DISC").isEmpty();
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      catalog.closeAll();
    }
  }
}
