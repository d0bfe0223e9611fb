package io.pxlite.api;

import io.pxlite.http.HttpException;

/** A management call that failed, with the HTTP status to send and a one-line message for the user. */
public class ApiException extends HttpException {
  public ApiException(int status, String message) {
    super(status, message);
  }

  public ApiException(int status, String message, Throwable cause) {
    super(status, message, cause);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }

  public static ApiException unavailable(String message, Throwable cause) {
    return new ApiException(503, message, cause);
  }
}
