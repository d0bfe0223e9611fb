package io.pxlite.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request, copied out of Netty's reference-counted buffers so it can be handled on a
 * worker thread after Netty has released them.
 *
 * @param uri the raw request target; decoded lazily so that a malformed one becomes a 400 on the
 *     worker rather than an exception on the I/O thread
 */
public record JsonRequest(HttpMethod method, String uri, byte[] body) {

  static JsonRequest copyOf(FullHttpRequest request) {
    byte[] body = new byte[request.content().readableBytes()];
    request.content().getBytes(request.content().readerIndex(), body);
    return new JsonRequest(request.method(), request.uri(), body);
  }

  /**
   * The path split into percent-decoded segments; empty segments (doubled or trailing slashes) are
   * dropped so {@code /v1/volumes/} routes like {@code /v1/volumes}.
   *
   * @throws HttpException 400 if a segment is not valid percent-encoding
   */
  public List<String> pathSegments() {
    String rawPath = new QueryStringDecoder(uri).rawPath();
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(decodeSegment(raw));
      }
    }
    return segments;
  }

  /**
   * Query parameters, decoded.
   *
   * @throws HttpException 400 if the query string is not valid percent-encoding
   */
  public Map<String, List<String>> queryParameters() {
    try {
      return new QueryStringDecoder(uri).parameters();
    } catch (IllegalArgumentException e) {
      throw HttpException.badRequest("malformed query string in " + uri + ": " + e.getMessage());
    }
  }

  private String decodeSegment(String raw) {
    try {
      // Netty's decoder is for form encoding, where '+' means space; in a path '+' is itself.
      return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpException.badRequest("malformed path segment \"" + raw + "\" in " + uri + ": " + e.getMessage());
    }
  }
}
