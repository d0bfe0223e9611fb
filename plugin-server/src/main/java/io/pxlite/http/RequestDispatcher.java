package io.pxlite.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request into exactly one response: routes it and maps every failure to an error
 * response in the API's format, so nothing a route throws ever reaches Netty or ends a connection.
 *
 * <p>{@link HttpException}s are answers and keep their status; anything else is a bug or an
 * unexpected failure below the route, answered 500 and logged with its stack trace.
 */
final class RequestDispatcher {
  private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

  private final Router router;
  private final ResponseFormat format;

  RequestDispatcher(Router router, ResponseFormat format) {
    this.router = router;
    this.format = format;
  }

  JsonResponse respond(JsonRequest request) {
    try {
      return router.dispatch(request);
    } catch (HttpException e) {
      HttpResponseStatus status = HttpResponseStatus.valueOf(e.status());
      if (e.status() >= 500) {
        log.warn("{} {} answered {}: {}", request.method(), request.uri(), e.status(), e.getMessage(), e.getCause());
      }
      String message = e.getMessage() != null ? e.getMessage() : status.reasonPhrase();
      return format.error(status, message);
    } catch (RuntimeException e) {
      log.error("{} {} failed", request.method(), request.uri(), e);
      return format.internalError(e);
    }
  }

  /** For failures outside a route (e.g. an Error on the worker): still one answer in the format. */
  JsonResponse internalError(Throwable failure) {
    return format.internalError(failure);
  }

  /** The worker pool's queue is full: the node is overloaded, and the client may retry. */
  JsonResponse busy() {
    return format.error(HttpResponseStatus.SERVICE_UNAVAILABLE, format.busyMessage());
  }

  JsonResponse badRequest(String reason) {
    return format.error(HttpResponseStatus.BAD_REQUEST, reason);
  }

  JsonResponse tooLarge(int maxBodyBytes) {
    return format.error(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "request body is larger than the limit of " + maxBodyBytes + " bytes");
  }
}
