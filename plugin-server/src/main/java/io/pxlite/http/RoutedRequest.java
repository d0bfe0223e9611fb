package io.pxlite.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request that matched a route: its path parameters, query parameters and typed body. */
public record RoutedRequest(JsonRequest request, Map<String, String> pathParameters, JsonCodec json) {

  /** The decoded path segment bound to {@code {name}} in the route's pattern. */
  public String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route pattern has no {" + name + "}");
    }
    return value;
  }

  /** The first value of a query parameter; an empty value counts as absent. */
  public Optional<String> queryParameter(String name) {
    List<String> values = request.queryParameters().getOrDefault(name, List.of());
    return values.stream().filter(v -> !v.isEmpty()).findFirst();
  }

  /**
   * The body as a JSON object of {@code type}.
   *
   * @throws HttpException 400 naming what is wrong with the body
   */
  public <T> T body(Class<T> type) {
    return json.read(request.body(), type);
  }

  /**
   * The body as a JSON object of {@code type}, or empty when there is no body at all.
   *
   * @throws HttpException 400 naming what is wrong with a body that is there
   */
  public <T> Optional<T> optionalBody(Class<T> type) {
    return request.body().length == 0 ? Optional.empty() : Optional.of(body(type));
  }

  /**
   * The body as a JSON object tree, for routes that check its fields themselves.
   *
   * @throws HttpException 400 for an empty body, malformed JSON or JSON that is not an object
   */
  public JsonNode bodyObject() {
    return json.readObject(request.body());
  }
}
