package io.pxlite.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * How one HTTP API words and wraps its answers: the two APIs on this machinery share everything but
 * these details (the management API says {@code {"error": ...}} as JSON, Docker's plugin protocol
 * {@code {"Err": ...}} as its own media type).
 *
 * @param contentType the Content-Type of every response with a body
 * @param errorField the one field of an error body, which holds the message
 * @param internalErrorPrefix put before the failure's message when something unexpected broke
 * @param busyMessage the answer when the worker pool is full
 * @param unknownPathPrefix put before the path when no route has it
 */
public record ResponseFormat(
    String contentType,
    String errorField,
    String internalErrorPrefix,
    String busyMessage,
    String unknownPathPrefix) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An error response: {@code {errorField: message}} with {@code status}. */
  public JsonResponse error(HttpResponseStatus status, String message) {
    return JsonResponse.json(status, errorBody(message));
  }

  /** A 500 for a failure nobody expected; the caller logs it with its stack trace. */
  public JsonResponse internalError(Throwable failure) {
    String detail = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, internalErrorPrefix + detail);
  }

  public byte[] errorBody(String message) {
    try {
      return JSON.writeValueAsBytes(Map.of(errorField, message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an error message as JSON", e);
    }
  }
}
