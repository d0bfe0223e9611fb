package io.pxlite.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * What to send back for one request: a status, a JSON body (empty for 204) and any extra headers.
 * The body is serialised before the response reaches Netty so a serialisation failure is still a
 * request failure (500), never a broken connection.
 */
record ApiResponse(HttpResponseStatus status, byte[] body, Map<String, String> headers) {
  private static final byte[] EMPTY = new byte[0];

  static ApiResponse json(HttpResponseStatus status, byte[] body) {
    return new ApiResponse(status, body, Map.of());
  }

  static ApiResponse noContent() {
    return new ApiResponse(HttpResponseStatus.NO_CONTENT, EMPTY, Map.of());
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiResponse(status, body, Map.copyOf(more));
  }
}
