package io.pxlite.nbd;

/**
 * The data of an option does not parse (a length pointing past the end, trailing bytes, a string that
 * is not UTF-8). Answered with {@code NBD_REP_ERR_INVALID}; negotiation continues.
 */
final class MalformedOptionException extends RuntimeException {
  MalformedOptionException(String message) {
    super(message);
  }
}
