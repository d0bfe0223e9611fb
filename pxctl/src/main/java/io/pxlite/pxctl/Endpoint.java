package io.pxlite.pxctl;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where the management API is: a unix socket path (the default, {@code /var/lib/pxlite/api.sock};
 * {@code unix:///path} also works) or an {@code http://host:port} URL. Exactly one of the two is set.
 */
final class Endpoint {
  static final String DEFAULT = "/var/lib/pxlite/api.sock";

  private final Path unixSocket;
  private final URI httpBase;

  private Endpoint(Path unixSocket, URI httpBase) {
    this.unixSocket = unixSocket;
    this.httpBase = httpBase;
  }

  /**
   * Reads the {@code --endpoint} / {@code PXLITE_ENDPOINT} text.
   *
   * @throws IllegalArgumentException saying what is wrong and what is accepted
   */
  static Endpoint parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("endpoint is empty; give a unix socket path or http://host:port");
    }
    if (trimmed.startsWith("unix://")) {
      return new Endpoint(Path.of(trimmed.substring("unix://".length())), null);
    }
    if (trimmed.startsWith("http://")) {
      return new Endpoint(null, httpBase(trimmed));
    }
    if (trimmed.contains("://")) {
      throw new IllegalArgumentException("unsupported endpoint " + trimmed
          + "; give a unix socket path or http://host:port");
    }
    return new Endpoint(Path.of(trimmed), null);
  }

  private static URI httpBase(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint " + text + " is not a valid URL: " + e.getReason(), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint " + text + " has no host; expected http://host:port");
    }
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        && uri.getRawQuery() == null && uri.getRawFragment() == null;
    if (!bare) {
      throw new IllegalArgumentException("endpoint " + text + " must not have a path; expected http://host:port");
    }
    // Routes are appended as "/v1/...", so the base keeps no trailing slash.
    return URI.create("http://" + uri.getRawAuthority());
  }

  ApiTransport openTransport(Duration timeout) {
    return unixSocket != null
        ? new UnixSocketTransport(this, unixSocket, timeout)
        : new TcpTransport(this, httpBase, timeout);
  }

  /** As the user would write it; used in every message about this endpoint. */
  @Override
  public String toString() {
    return unixSocket != null ? unixSocket.toString() : httpBase.toString();
  }

  /** Lets picocli reject a bad {@code --endpoint} as a usage error (exit 2). */
  static final class Converter implements ITypeConverter<Endpoint> {
    @Override
    public Endpoint convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
