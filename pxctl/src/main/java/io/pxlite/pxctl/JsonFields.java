package io.pxlite.pxctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads fields of the server's JSON the way pxctl prints them. pxctl knows the API only as JSON, so
 * a field that is absent or null (an older or newer server) prints as {@code -} rather than failing.
 */
final class JsonFields {
  static final String NONE = "-";

  private JsonFields() {}

  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? NONE : value.asText();
  }

  static String size(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNumber() ? HumanSize.of(value.asLong()) : NONE;
  }

  /** A JSON array of strings joined with ", ", or {@code -} when absent or empty. */
  static String list(JsonNode node, String field) {
    List<String> items = new ArrayList<>();
    node.path(field).forEach(item -> items.add(item.asText()));
    return items.isEmpty() ? NONE : String.join(", ", items);
  }

  /** A JSON object of strings as {@code k=v,k=v} (how labels are typed on the command line). */
  static String labels(JsonNode node, String field) {
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : node.path(field).properties()) {
      pairs.add(entry.getKey() + "=" + entry.getValue().asText());
    }
    return pairs.isEmpty() ? NONE : String.join(",", pairs);
  }
}
