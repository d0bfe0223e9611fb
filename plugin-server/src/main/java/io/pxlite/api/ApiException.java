package io.pxlite.api;

/** A management call that failed, with the HTTP status to send and a one-line message for the user. */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ApiException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
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

  public static ApiException unavailable(String message, Throwable cause) {
    return new ApiException(503, message, cause);
  }

  public int status() {
    return status;
  }
}
