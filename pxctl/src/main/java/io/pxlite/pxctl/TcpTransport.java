package io.pxlite.pxctl;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/** HTTP/1.1 to an {@code http://host:port} endpoint through the JDK's HttpClient. */
final class TcpTransport implements ApiTransport {
  private final Endpoint endpoint;
  private final URI base;
  private final Duration timeout;
  private final HttpClient client;

  TcpTransport(Endpoint endpoint, URI base, Duration timeout) {
    this.endpoint = endpoint;
    this.base = base;
    this.timeout = timeout;
    // HTTP/1.1 explicitly: the default would try an h2c upgrade the server does not offer.
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
  }

  @Override
  public HttpReply exchange(String method, String path, byte[] body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, BodyPublishers.noBody());
    }
    try {
      HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new HttpReply(response.statusCode(), response.body());
    } catch (HttpConnectTimeoutException e) {
      throw new EndpointUnreachableException(endpoint, "connection timed out", "is the address right?", e);
    } catch (ConnectException e) {
      if (causedBy(e, UnresolvedAddressException.class)) {
        throw new EndpointUnreachableException(endpoint, "unknown host " + base.getHost(), "is the address right?", e);
      }
      // HttpClient's ConnectException carries no text; refusal is by far the common case.
      String reason = e.getMessage() != null ? e.getMessage() : "connection refused";
      throw new EndpointUnreachableException(endpoint, reason, "is the node running?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for pxlite at " + endpoint);
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
