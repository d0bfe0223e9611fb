package io.pxlite.node.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Asks the local Docker engine which pxd volumes its running containers use. Docker's plugin
 * protocol cannot tell a plugin which mounts are still wanted, and an Unmount sent while the node
 * was down for longer than Docker's ~30 s retry is lost; the engine's own container list is the
 * only authority left to find such stale holders.
 */
final class DockerEngine {
  private final Path socket;
  private final ObjectMapper json = new ObjectMapper();

  DockerEngine(Path socket) {
    this.socket = socket;
  }

  /**
   * pxlite volume names mounted by running containers through {@code driver}, or empty when the
   * engine cannot be asked (not running, not installed): then nothing may be judged stale.
   */
  Optional<Set<String>> volumesInUse(String driver) {
    if (!Files.exists(socket)) {
      return Optional.empty();
    }
    try {
      JsonNode containers = json.readTree(get("/containers/json"));
      Set<String> inUse = new HashSet<>();
      for (JsonNode c : containers) {
        for (JsonNode m : c.path("Mounts")) {
          if ("volume".equals(m.path("Type").asText()) && driver.equals(m.path("Driver").asText())) {
            inUse.add(DockerVolumeName.parse(m.path("Name").asText()).volume());
          }
        }
      }
      return Optional.of(inUse);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** One HTTP/1.0 GET: the engine closes the connection after the body, so no chunking to undo. */
  private byte[] get(String path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (ch.read(buf) >= 0) {
        buf.flip();
        response.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      String text = response.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || split < 0 || !text.substring(9, 12).equals("200")) {
        throw new IOException("unexpected answer from the Docker engine at " + socket + ": "
            + text.lines().findFirst().orElse("(nothing)"));
      }
      return text.substring(split + 4).getBytes(StandardCharsets.UTF_8);
    }
  }
}
