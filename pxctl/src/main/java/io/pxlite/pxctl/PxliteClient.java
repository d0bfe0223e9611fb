package io.pxlite.pxctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The management API as pxctl sees it: JSON trees in and out. Every failure leaves here as a
 * {@link PxctlException} whose message is fit to print: the server's {@code error} text for an error
 * status, or what went wrong talking to which endpoint.
 */
final class PxliteClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Endpoint endpoint;
  private final ApiTransport transport;

  PxliteClient(Endpoint endpoint, ApiTransport transport) {
    this.endpoint = endpoint;
    this.transport = transport;
  }

  JsonNode get(String path) {
    return exchange("GET", path, null);
  }

  JsonNode post(String path, JsonNode body) {
    return send("POST", path, body);
  }

  /** Posts with no request body, for actions the path says all of (attach, detach). */
  JsonNode post(String path) {
    return exchange("POST", path, null);
  }

  JsonNode patch(String path, JsonNode body) {
    return send("PATCH", path, body);
  }

  private JsonNode send(String method, String path, JsonNode body) {
    try {
      return exchange(method, path, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree pxctl built itself", e);
    }
  }

  /** Deletes; the server answers 204, which reads as an empty JSON object. */
  JsonNode delete(String path) {
    return exchange("DELETE", path, null);
  }

  /** A name or id as one path segment: percent-encoded, so "/" or " " in a name stay in the name. */
  static String segment(String ref) {
    return URLEncoder.encode(ref, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query parameter value, form-encoded as the server's query decoder expects. */
  static String queryValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * GETs {@code path}, taking {@code alsoAnswer} (e.g. 503 of {@code /health}) as an answer with a body
   * rather than an error; empty when the node does not serve the path (404: an older node).
   */
  java.util.Optional<JsonNode> getAnswer(String path, int alsoAnswer) {
    HttpReply reply = call("GET", path, null);
    if (reply.status() == 404) {
      return java.util.Optional.empty();
    }
    if (reply.status() >= 400 && reply.status() != alsoAnswer) {
      throw new ServerErrorException(reply.status(), errorText(reply));
    }
    return java.util.Optional.of(parse("GET", path, reply));
  }

  private JsonNode exchange(String method, String path, byte[] body) {
    HttpReply reply = call(method, path, body);
    if (reply.status() >= 400) {
      throw new ServerErrorException(reply.status(), errorText(reply));
    }
    return parse(method, path, reply);
  }

  private HttpReply call(String method, String path, byte[] body) {
    HttpReply reply;
    try {
      reply = transport.exchange(method, path, body);
    } catch (HttpTimeoutException e) {
      throw new PxctlException("pxlite at " + endpoint + " did not answer " + method + " " + path + " in time ("
          + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new PxctlException("lost connection to pxlite at " + endpoint + " during " + method + " " + path
          + ": " + e.getMessage(), e);
    }
    return reply;
  }

  private JsonNode parse(String method, String path, HttpReply reply) {
    if (reply.body().length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(reply.body());
    } catch (IOException e) {
      throw new PxctlException("pxlite at " + endpoint + " answered " + method + " " + path
          + " with something that is not JSON: " + snippet(reply.body()), e);
    }
  }

  /** The server's {@code {"error": "..."}} text, or a description of an answer that has none. */
  private String errorText(HttpReply reply) {
    try {
      JsonNode error = JSON.readTree(reply.body()).path("error");
      if (error.isTextual() && !error.asText().isBlank()) {
        return error.asText();
      }
    } catch (IOException e) {
      // Not JSON (a proxy's HTML page, say): described below with a snippet instead.
    }
    String snippet = snippet(reply.body());
    return "pxlite at " + endpoint + " answered HTTP " + reply.status() + (snippet.isEmpty() ? "" : ": " + snippet);
  }

  private static String snippet(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
