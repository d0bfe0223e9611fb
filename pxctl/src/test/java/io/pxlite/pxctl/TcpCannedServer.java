package io.pxlite.pxctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A {@link CannedApi} served over TCP on 127.0.0.1 by the JDK's built-in HTTP server. */
final class TcpCannedServer implements CannedServer {
  private final HttpServer server;

  TcpCannedServer(CannedApi api) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> answer(api, exchange));
    server.start();
  }

  private static void answer(CannedApi api, HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      String target = exchange.getRequestURI().getRawPath() + (query != null ? "?" + query : "");
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      CannedApi.Reply reply = api.answer(new CannedApi.Request(exchange.getRequestMethod(), target, body));
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      // -1 tells HttpServer "no body", which 204 requires.
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
