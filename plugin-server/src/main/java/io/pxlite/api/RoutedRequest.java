package io.pxlite.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request that matched a route: its path parameters, query parameters and typed body. */
record RoutedRequest(ApiRequest request, Map<String, String> pathParameters, ApiJson json) {

  /** The decoded path segment bound to {@code {name}} in the route's pattern. */
  String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route pattern has no {" + name + "}");
    }
    return value;
  }

  /** The first value of a query parameter; an empty value counts as absent. */
  Optional<String> queryParameter(String name) {
    List<String> values = request.queryParameters().getOrDefault(name, List.of());
    return values.stream().filter(v -> !v.isEmpty()).findFirst();
  }

  /**
   * The body as a JSON object of {@code type}.
   *
   * @throws ApiException 400 naming what is wrong with the body
   */
  <T> T body(Class<T> type) {
    return json.read(request.body(), type);
  }
}
