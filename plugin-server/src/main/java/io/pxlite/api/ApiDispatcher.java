package io.pxlite.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request into exactly one response: routes it and maps every failure to a JSON
 * {@code {"error": ...}} response, so nothing a route throws ever reaches Netty or ends a connection.
 *
 * <p>{@link ApiException}s are the service's answers and keep their status; anything else is a bug
 * or an unexpected failure below the service, answered 500 and logged with its stack trace.
 */
final class ApiDispatcher {
  private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

  private final Router router;
  private final ApiJson json;

  ApiDispatcher(Router router, ApiJson json) {
    this.router = router;
    this.json = json;
  }

  ApiResponse respond(ApiRequest request) {
    try {
      return router.dispatch(request);
    } catch (ApiException e) {
      HttpResponseStatus status = HttpResponseStatus.valueOf(e.status());
      if (e.status() >= 500) {
        log.warn("{} {} answered {}: {}", request.method(), request.uri(), e.status(), e.getMessage(), e.getCause());
      }
      String message = e.getMessage() != null ? e.getMessage() : status.reasonPhrase();
      return ApiResponse.json(status, json.error(message));
    } catch (RuntimeException e) {
      log.error("{} {} failed", request.method(), request.uri(), e);
      return internalError(e);
    }
  }

  /** For failures outside a route (e.g. an Error on the worker): still one JSON answer. */
  ApiResponse internalError(Throwable failure) {
    String detail = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    return ApiResponse.json(HttpResponseStatus.INTERNAL_SERVER_ERROR, json.error("internal error: " + detail));
  }

  /** The worker pool's queue is full: the node is overloaded, and the client may retry. */
  ApiResponse busy() {
    return ApiResponse.json(
        HttpResponseStatus.SERVICE_UNAVAILABLE, json.error("management API is busy; retry shortly"));
  }

  ApiResponse badRequest(String reason) {
    return ApiResponse.json(HttpResponseStatus.BAD_REQUEST, json.error(reason));
  }

  ApiResponse tooLarge(int maxBodyBytes) {
    return ApiResponse.json(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        json.error("request body is larger than the limit of " + maxBodyBytes + " bytes"));
  }
}
