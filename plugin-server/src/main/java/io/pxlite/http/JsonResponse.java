package io.pxlite.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to send back for one request: a status, a JSON body (empty for 204) and any extra headers.
 * The body is serialised before the response reaches Netty so a serialisation failure is still a
 * request failure (500), never a broken connection.
 */
public record JsonResponse(HttpResponseStatus status, byte[] body, Map<String, String> headers) {
  private static final byte[] EMPTY = new byte[0];

  public static JsonResponse json(HttpResponseStatus status, byte[] body) {
    return new JsonResponse(status, body, Map.of());
  }

  public static JsonResponse noContent() {
    return new JsonResponse(HttpResponseStatus.NO_CONTENT, EMPTY, Map.of());
  }

  public JsonResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new JsonResponse(status, body, Map.copyOf(more));
  }
}
