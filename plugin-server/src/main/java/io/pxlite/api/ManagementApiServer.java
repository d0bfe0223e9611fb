package io.pxlite.api;

import io.pxlite.http.HttpServerSettings;
import io.pxlite.http.JsonCodec;
import io.pxlite.http.JsonHttpServer;
import io.pxlite.http.ResponseFormat;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management REST API (what pxctl talks to): HTTP/1.1 with JSON bodies on the node's root-only
 * unix socket and, when configured, one TCP address. Routes are listed on {@link ManagementRoutes}.
 *
 * <p>Netty threads only parse and write; every {@link ManagementService} call runs on a small,
 * bounded worker pool, and a full pool answers 503 rather than queueing without limit.
 */
public final class ManagementApiServer implements AutoCloseable {
  /** Largest request body accepted; the biggest real request (a volume spec) is a few hundred bytes. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  static final ResponseFormat FORMAT = new ResponseFormat(
      "application/json; charset=utf-8",
      "error",
      "internal error: ",
      "management API is busy; retry shortly",
      "no such API path: ");

  private static final Logger log = LoggerFactory.getLogger(ManagementApiServer.class);
  private static final HttpServerSettings SETTINGS = new HttpServerSettings("pxlite-api", 2, 4, 256, MAX_BODY_BYTES);

  private final JsonHttpServer http;

  private ManagementApiServer(JsonHttpServer http) {
    this.http = http;
  }

  /**
   * Binds the API to {@code unixSocket} (mode 0600) and, if present, to {@code tcp}; use port 0 to
   * let the kernel pick one and read it back from {@link #tcpAddress()}.
   *
   * @throws io.pxlite.listen.ListenerBindException naming the address that could not be bound
   */
  public static ManagementApiServer start(
      ManagementService service, OperationsService operations, Path unixSocket, Optional<InetSocketAddress> tcp) {
    JsonHttpServer http = JsonHttpServer.start(
        SETTINGS, FORMAT, ManagementRoutes.of(service, operations, new JsonCodec(), FORMAT), unixSocket, tcp);
    ManagementApiServer server = new ManagementApiServer(http);
    log.info("management API listening on {}{}", unixSocket,
        server.tcpAddress().map(a -> " and " + a).orElse(""));
    return server;
  }

  public Path unixSocket() {
    return http.unixSocket();
  }

  /** The bound TCP address, with the real port if 0 was asked for; empty if TCP is not configured. */
  public Optional<InetSocketAddress> tcpAddress() {
    return http.tcpAddress();
  }

  /**
   * Stops accepting, closes connections, then gives in-flight service calls a moment to finish.
   * Closing again does nothing.
   */
  @Override
  public void close() {
    http.close();
  }
}
