package io.pxlite.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP requests to a running API over TCP, through the JDK's HttpClient. */
final class TcpApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final String base;

  TcpApiClient(InetSocketAddress address) {
    this.base = "http://" + address.getHostString() + ":" + address.getPort();
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, BodyPublishers.noBody());
  }

  HttpResponse<String> post(String path, String json) {
    return send("POST", path, BodyPublishers.ofString(json));
  }

  HttpResponse<String> delete(String path) {
    return send("DELETE", path, BodyPublishers.noBody());
  }

  HttpResponse<String> send(String method, String path, BodyPublisher body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .method(method, body)
        .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("response body is not JSON: " + response.body(), e);
    }
  }
}
