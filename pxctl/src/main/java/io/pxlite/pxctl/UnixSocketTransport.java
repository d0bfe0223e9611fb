package io.pxlite.pxctl;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP/1.1 over the node's unix socket, one connection per exchange ({@code Connection: close}), on
 * a blocking {@link SocketChannel}. A watchdog closes the channel when the timeout passes, which
 * wakes the blocked read; that is how a blocking channel gets a deadline.
 */
final class UnixSocketTransport implements ApiTransport {
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pxctl-timeout");
    t.setDaemon(true);
    return t;
  });

  private final Endpoint endpoint;
  private final Path socket;
  private final Duration timeout;

  UnixSocketTransport(Endpoint endpoint, Path socket, Duration timeout) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.timeout = timeout;
  }

  @Override
  public HttpReply exchange(String method, String path, byte[] body) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
      timedOut.set(true);
      closeAbandoned(channel);
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try (channel) {
      connect(channel);
      ByteBuffer request = ByteBuffer.wrap(requestBytes(method, path, body));
      while (request.hasRemaining()) {
        channel.write(request);
      }
      return new HttpResponseReader(new BufferedInputStream(Channels.newInputStream(channel))).read();
    } catch (AsynchronousCloseException e) {
      if (timedOut.get()) {
        throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
      }
      throw e;
    } finally {
      watchdog.cancel(false);
    }
  }

  private void connect(SocketChannel channel) throws IOException {
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (AsynchronousCloseException e) {
      throw e;
    } catch (SocketException e) {
      // The JDK reports the errno only as text; these are the three an operator can act on.
      String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (e instanceof ConnectException || text.contains("refused")) {
        throw new EndpointUnreachableException(endpoint, "connection refused", "is the node running?", e);
      }
      if (text.contains("no such file")) {
        throw new EndpointUnreachableException(endpoint, "no such socket", "is the node running?", e);
      }
      if (text.contains("permission denied")) {
        throw new EndpointUnreachableException(endpoint, "permission denied", "pxctl must run as root", e);
      }
      throw new EndpointUnreachableException(endpoint, text, "is the node running?", e);
    }
  }

  private static byte[] requestBytes(String method, String path, byte[] body) {
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\n")
        .append("Accept: application/json\r\n")
        .append("Connection: close\r\n");
    if (body != null) {
      head.append("Content-Type: application/json\r\n")
          .append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
    if (body == null) {
      return headBytes;
    }
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  /**
   * Runs on the watchdog thread. A failure to close is not reported: the exchange thread sees the
   * timeout flag either way, and a channel that would not close is reclaimed when pxctl exits.
   */
  private static void closeAbandoned(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // See the method comment: nothing more can be done for a connection being abandoned.
    }
  }
}
