package io.pxlite.docker;

import io.pxlite.http.HttpServerSettings;
import io.pxlite.http.JsonCodec;
import io.pxlite.http.JsonHttpServer;
import io.pxlite.http.ResponseFormat;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's volume plugin endpoint for a {@link VolumeDriver}: HTTP/1.1 with JSON bodies on a
 * root-only unix socket (e.g. {@code /run/docker/plugins/pxd.sock}, where Docker discovers plugins
 * by file name). The protocol is listed on {@link DockerRoutes}.
 *
 * <p>Driver calls block (etcd, Raft, mkfs, mount), so they run on a bounded pool of worker threads,
 * never on Netty's; a slow mount holds one worker, not the server, and a full pool answers 503.
 */
public final class DockerPluginServer implements AutoCloseable {
  /** Largest request body accepted; real ones are a name and a few options. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  static final ResponseFormat FORMAT = new ResponseFormat(
      "application/vnd.docker.plugins.v1+json",
      "Err",
      "internal error in pxlite: ",
      "pxlite volume plugin is busy; retry",
      "unknown endpoint ");
  /** Eight mounts (each possibly waiting on mkfs) may run at once; Docker rarely sends more. */
  static final HttpServerSettings SETTINGS = new HttpServerSettings("pxlite-docker", 1, 8, 64, MAX_BODY_BYTES);

  private static final Logger log = LoggerFactory.getLogger(DockerPluginServer.class);

  private final JsonHttpServer http;

  private DockerPluginServer(JsonHttpServer http) {
    this.http = http;
  }

  /**
   * Serves {@code driver} on {@code unixSocket} (mode 0600), creating its directory if missing and
   * replacing a socket file left by an earlier process.
   *
   * @throws io.pxlite.listen.ListenerBindException naming the socket that could not be bound
   */
  public static DockerPluginServer start(VolumeDriver driver, Path unixSocket) {
    return start(driver, unixSocket, SETTINGS);
  }

  /** With other limits: tests use a tiny pool to see it fill up. */
  static DockerPluginServer start(VolumeDriver driver, Path unixSocket, HttpServerSettings settings) {
    JsonHttpServer http = JsonHttpServer.start(
        settings, FORMAT, DockerRoutes.of(driver, new JsonCodec(), FORMAT), unixSocket, Optional.empty());
    log.info("Docker volume plugin listening on {}", unixSocket);
    return new DockerPluginServer(http);
  }

  public Path unixSocket() {
    return http.unixSocket();
  }

  /**
   * Stops accepting, closes connections and removes the socket file, then gives in-flight driver
   * calls a moment to finish. Closing again does nothing.
   */
  @Override
  public void close() {
    http.close();
  }
}
