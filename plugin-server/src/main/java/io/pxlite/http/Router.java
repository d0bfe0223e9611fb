package io.pxlite.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Matches a request's method and path against a route table and calls the route; answers 404 for a
 * path no route has and 405 (with {@code Allow}) for a path that exists under other methods.
 *
 * <p>Patterns are slash-separated literals and {@code {name}} placeholders, each matching exactly one
 * non-empty, already percent-decoded segment.
 */
public final class Router {
  /** One route's work; may throw {@link HttpException} or anything else (the dispatcher maps both). */
  @FunctionalInterface
  public interface Route {
    JsonResponse handle(RoutedRequest request);
  }

  private record Entry(HttpMethod method, List<String> pattern, Route route) {}

  private final List<Entry> entries;
  private final JsonCodec json;
  private final ResponseFormat format;

  private Router(List<Entry> entries, JsonCodec json, ResponseFormat format) {
    this.entries = List.copyOf(entries);
    this.json = json;
    this.format = format;
  }

  /** Routes whose bodies {@code json} reads and whose 404s and 405s are worded by {@code format}. */
  public static Builder builder(JsonCodec json, ResponseFormat format) {
    return new Builder(json, format);
  }

  JsonResponse dispatch(JsonRequest request) {
    List<String> segments = request.pathSegments();
    TreeSet<String> allowed = new TreeSet<>();
    for (Entry entry : entries) {
      Optional<Map<String, String>> params = match(entry.pattern(), segments);
      if (params.isEmpty()) {
        continue;
      }
      if (entry.method().equals(request.method())) {
        return entry.route().handle(new RoutedRequest(request, params.get(), json));
      }
      allowed.add(entry.method().name());
    }
    String path = "/" + String.join("/", segments);
    if (allowed.isEmpty()) {
      return format.error(HttpResponseStatus.NOT_FOUND, format.unknownPathPrefix() + path);
    }
    String allow = String.join(", ", allowed);
    return format.error(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            "method " + request.method() + " is not allowed on " + path + " (allowed: " + allow + ")")
        .withHeader("Allow", allow);
  }

  private static Optional<Map<String, String>> match(List<String> pattern, List<String> segments) {
    if (pattern.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String expected = pattern.get(i);
      if (expected.startsWith("{") && expected.endsWith("}")) {
        params.put(expected.substring(1, expected.length() - 1), segments.get(i));
      } else if (!expected.equals(segments.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** Collects routes in order; the first route whose method and pattern match wins. */
  public static final class Builder {
    private final JsonCodec json;
    private final ResponseFormat format;
    private final List<Entry> entries = new ArrayList<>();

    private Builder(JsonCodec json, ResponseFormat format) {
      this.json = json;
      this.format = format;
    }

    public Builder get(String pattern, Route route) {
      return add(HttpMethod.GET, pattern, route);
    }

    public Builder post(String pattern, Route route) {
      return add(HttpMethod.POST, pattern, route);
    }

    public Builder patch(String pattern, Route route) {
      return add(HttpMethod.PATCH, pattern, route);
    }

    public Builder delete(String pattern, Route route) {
      return add(HttpMethod.DELETE, pattern, route);
    }

    private Builder add(HttpMethod method, String pattern, Route route) {
      List<String> segments = new ArrayList<>();
      for (String segment : pattern.split("/")) {
        if (!segment.isEmpty()) {
          segments.add(segment);
        }
      }
      entries.add(new Entry(method, segments, route));
      return this;
    }

    public Router build() {
      return new Router(entries, json, format);
    }
  }
}
