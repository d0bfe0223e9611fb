package io.pxlite.http;

/**
 * A request that failed with a known HTTP status and a one-line message for the client; the
 * server answers it as it is, in its API's error format.
 */
public class HttpException extends RuntimeException {
  private final int status;

  public HttpException(int status, String message) {
    super(message);
    this.status = status;
  }

  public HttpException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public static HttpException badRequest(String message) {
    return new HttpException(400, message);
  }

  public int status() {
    return status;
  }
}
