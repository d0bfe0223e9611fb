package io.pxlite.statemachine;

import io.pxlite.store.BlockStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;

/** What the state machine's ITs need to run real Ratis servers on loopback and recognise what they wrote. */
final class LocalRaftFixture {
  private LocalRaftFixture() {}

  /** A TCP port free on 127.0.0.1 right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** A block filled with {@code i}, so every block written is told apart from every other. */
  static ByteBuffer block(int i) {
    ByteBuffer b = ByteBuffer.allocate(BlockStore.BLOCK_SIZE);
    while (b.hasRemaining()) {
      b.putInt(i);
    }
    return b.flip();
  }
}
