package io.pxlite.docker;

/** A refusal the Docker user should read: the message goes back to Docker as {@code {"Err": message}}. */
public class DriverException extends RuntimeException {
  public DriverException(String message) {
    super(message);
  }

  public DriverException(String message, Throwable cause) {
    super(message, cause);
  }
}
