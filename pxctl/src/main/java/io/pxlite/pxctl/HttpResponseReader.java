package io.pxlite.pxctl;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response from a stream: status line, headers, then a body delimited by
 * Content-Length, chunked encoding, or the end of the stream (the request said
 * {@code Connection: close}). Interim 1xx responses are skipped.
 */
final class HttpResponseReader {
  /** Longest status or header line accepted; a real one is far shorter, so more means garbage. */
  private static final int MAX_LINE = 16 * 1024;

  private final InputStream in;

  HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /**
   * @throws ProtocolException if what arrived is not an HTTP/1.x response
   * @throws EOFException if the server closed the connection early
   */
  HttpReply read() throws IOException {
    int status;
    Map<String, String> headers;
    do {
      String statusLine = readLineOrNull("status line");
      if (statusLine == null) {
        throw new EOFException("server closed the connection without answering");
      }
      status = parseStatus(statusLine);
      headers = readHeaders();
    } while (status >= 100 && status < 200);
    return new HttpReply(status, readBody(status, headers));
  }

  private static int parseStatus(String line) throws ProtocolException {
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
      throw new ProtocolException("not an HTTP/1.x status line: \"" + line + "\"");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new ProtocolException("not an HTTP status code: \"" + parts[1] + "\"");
    }
  }

  /** Header names lower-cased; a repeated header keeps its last value, enough for the few pxctl reads. */
  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (String line = readLine("header"); !line.isEmpty(); line = readLine("header")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("malformed header line: \"" + line + "\"");
      }
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    return headers;
  }

  private byte[] readBody(int status, Map<String, String> headers) throws IOException {
    if (status == 204 || status == 304) {
      return new byte[0];
    }
    String transferEncoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
    if (transferEncoding.contains("chunked")) {
      return readChunked();
    }
    String contentLength = headers.get("content-length");
    if (contentLength != null) {
      return readExactly(parseLength(contentLength), "body");
    }
    return in.readAllBytes();
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine("chunk size");
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
      int size;
      try {
        size = Integer.parseInt(hex, 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size: \"" + sizeLine + "\"");
      }
      if (size == 0) {
        readHeaders(); // trailers, ignored
        return body.toByteArray();
      }
      body.write(readExactly(size, "chunk"));
      if (!readLine("chunk end").isEmpty()) {
        throw new ProtocolException("chunk of " + size + " bytes not followed by CRLF");
      }
    }
  }

  private static int parseLength(String value) throws ProtocolException {
    try {
      int length = Integer.parseInt(value);
      if (length < 0) {
        throw new ProtocolException("negative Content-Length: " + value);
      }
      return length;
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed Content-Length: \"" + value + "\"");
    }
  }

  private byte[] readExactly(int length, String what) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException("connection closed after " + bytes.length + " of " + length + " " + what + " bytes");
    }
    return bytes;
  }

  /** A CRLF- (or bare LF-) terminated line without its terminator. */
  private String readLine(String what) throws IOException {
    String line = readLineOrNull(what);
    if (line == null) {
      throw new EOFException("connection closed in the middle of a " + what);
    }
    return line;
  }

  /** Like {@link #readLine} but null when the stream ends before the line's first byte. */
  private String readLineOrNull(String what) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b == -1) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of a " + what);
      }
      if (b == '\n') {
        break;
      }
      if (line.size() >= MAX_LINE) {
        throw new ProtocolException(what + " longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }
}
