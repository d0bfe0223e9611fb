package io.pxlite.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.pxlite.http.HttpException;
import io.pxlite.http.RoutedRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of one plugin request body, each checked when asked for, with a 400 naming the field
 * when it is missing or of the wrong type.
 *
 * <p>Fields nobody asks for are ignored, as Docker's own plugin helpers (go-plugins-helpers) do: a
 * newer Docker may send more than this server knows.
 */
final class PluginRequestBody {
  private final JsonNode body;

  private PluginRequestBody(JsonNode body) {
    this.body = body;
  }

  /**
   * @throws HttpException 400 for an empty body, malformed JSON or JSON that is not an object
   */
  static PluginRequestBody of(RoutedRequest request) {
    return new PluginRequestBody(request.bodyObject());
  }

  /** {@code Name}: required, a non-empty string (a volume name or PX's inline spec). */
  String name() {
    JsonNode name = body.get("Name");
    if (name == null || name.isNull()) {
      throw HttpException.badRequest("field 'Name' is required");
    }
    if (!name.isTextual()) {
      throw HttpException.badRequest("field 'Name' must be a string, not " + kind(name));
    }
    if (name.textValue().isEmpty()) {
      throw HttpException.badRequest("field 'Name' must not be empty");
    }
    return name.textValue();
  }

  /** {@code ID}: the container a mount is for; older Dockers leave it out, which reads as "". */
  String callerId() {
    JsonNode id = body.get("ID");
    if (id == null || id.isNull()) {
      return "";
    }
    if (!id.isTextual()) {
      throw HttpException.badRequest("field 'ID' must be a string, not " + kind(id));
    }
    return id.textValue();
  }

  /**
   * {@code Opts}: absent or null means none. Values are strings; numbers and booleans are taken as
   * their text, because docker compose passes YAML scalars through as typed ({@code size: 10}).
   */
  Map<String, String> options() {
    JsonNode opts = body.get("Opts");
    if (opts == null || opts.isNull()) {
      return Map.of();
    }
    if (!opts.isObject()) {
      throw HttpException.badRequest("field 'Opts' must be an object, not " + kind(opts));
    }
    Map<String, String> options = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> option : opts.properties()) {
      options.put(option.getKey(), optionValue(option.getKey(), option.getValue()));
    }
    return Collections.unmodifiableMap(options);
  }

  private static String optionValue(String key, JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asText();
    }
    throw HttpException.badRequest("field 'Opts." + key + "' must be a string, not " + kind(value));
  }

  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return node.isNumber() ? "a number" : "a string";
  }
}
