package io.pxlite.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Reads request bodies into records (or object trees) and writes responses, turning every way a
 * body can be wrong into a 400 whose message names the offending field, so a client author can fix
 * the call without reading server logs.
 *
 * <p>Reading is strict: unknown fields, trailing garbage, fractions or strings where an integer is
 * expected are all rejected. Numbers are still accepted where a string is expected, because sizes
 * are strings and a bare number is a valid size (GiB).
 */
public final class JsonCodec {
  private final ObjectMapper mapper;

  public JsonCodec() {
    mapper = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // Jackson would turn "3" into 3 for an Integer field; an API that says "wrong types are 400" must not.
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
  }

  /**
   * Reads a request body as a JSON object of type {@code type}.
   *
   * @throws HttpException 400 naming the problem (empty body, malformed JSON, unknown or mistyped field)
   */
  public <T> T read(byte[] body, Class<T> type) {
    JsonNode tree = readObject(body);
    try {
      return mapper.treeToValue(tree, type);
    } catch (JacksonException e) {
      throw HttpException.badRequest(shapeProblem(e));
    }
  }

  /**
   * Reads a request body as a JSON object tree, for callers that check its fields themselves.
   *
   * @throws HttpException 400 for an empty body, malformed JSON or JSON that is not an object
   */
  public JsonNode readObject(byte[] body) {
    if (body.length == 0) {
      throw HttpException.badRequest("request body is required: a JSON object");
    }
    // Syntax first, shape second: "not JSON at all" (with line and column) is told apart from "JSON,
    // but not the right shape" (with the field's name).
    JsonNode tree;
    try {
      tree = mapper.readTree(body);
    } catch (JacksonException e) {
      throw HttpException.badRequest(syntaxProblem(e));
    } catch (IOException e) {
      // readTree(byte[]) does no real I/O; anything else here is a Jackson bug worth a 500.
      throw new IllegalStateException("reading a request body from memory failed", e);
    }
    if (!tree.isObject()) {
      throw HttpException.badRequest("request body must be a JSON object, not " + describeNode(tree));
    }
    return tree;
  }

  /** Serialises a response body; the API's records are always serialisable, so failure is a bug. */
  public byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static String syntaxProblem(JacksonException e) {
    if (e.getLocation() == null) {
      return "malformed JSON: " + e.getOriginalMessage();
    }
    return "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage();
  }

  private static String shapeProblem(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      String known = unknown.getKnownPropertyIds().stream()
          .map(Object::toString)
          .sorted()
          .collect(Collectors.joining(", "));
      return "unknown field \"" + fieldPath(unknown) + "\" (known fields: " + known + ")";
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return "field \"" + fieldPath(mapping) + "\": " + typeProblem(mapping);
    }
    return "request body does not fit: " + e.getOriginalMessage();
  }

  private static String typeProblem(JsonMappingException e) {
    if (e instanceof InvalidFormatException invalid) {
      return "expected " + describeType(invalid.getTargetType()) + ", got " + quoted(invalid.getValue());
    }
    if (e instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
      String expected = "expected " + describeType(mismatched.getTargetType());
      return e.getProcessor() instanceof JsonParser parser ? expected + ", got " + describeToken(parser) : expected;
    }
    // e.g. an integer out of range: Jackson's own sentence says which range.
    return e.getOriginalMessage();
  }

  /** "labels.zone" or "replicas[2]": the path a client wrote, not Jackson's Java reference chain. */
  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String describeType(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  /** The value the parser stopped at, as the client wrote it (scalars) or by kind (containers). */
  private static String describeToken(JsonParser parser) {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return "nothing";
    }
    try {
      return switch (token) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> quoted(parser.getText());
        default -> parser.getText();
      };
    } catch (IOException e) {
      // Reading the current token's text from a tree cannot fail; fall back to its kind.
      return token.toString();
    }
  }

  private static String describeNode(JsonNode node) {
    if (node.isArray()) {
      return "an array";
    }
    return node.isNull() ? "null" : "a " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String quoted(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }
}
