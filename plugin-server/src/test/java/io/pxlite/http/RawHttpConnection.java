package io.pxlite.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One connection (TCP or unix socket) on which a test writes exact bytes and reads responses one by
 * one: for what a polite HTTP client will not send (pipelined requests, invalid percent-encoding,
 * garbage) and for unix sockets, which the JDK's HttpClient cannot reach.
 *
 * <p>Every read and write has a deadline, so a server that never answers fails the test instead of
 * hanging it.
 */
public final class RawHttpConnection implements AutoCloseable {
  /** A response as read off the wire; header names lower-cased. */
  public record RawResponse(int status, Map<String, String> headers, String body) {}

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final ByteBuffer received = ByteBuffer.allocate(64 * 1024).flip();

  private RawHttpConnection(SocketChannel channel, SocketAddress address) throws IOException {
    this.channel = channel;
    try {
      channel.connect(address);
      channel.configureBlocking(false);
      selector = Selector.open();
      key = channel.register(selector, 0);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  public static RawHttpConnection tcp(InetSocketAddress address) throws IOException {
    return new RawHttpConnection(SocketChannel.open(StandardProtocolFamily.INET), address);
  }

  public static RawHttpConnection unix(Path socket) throws IOException {
    return new RawHttpConnection(
        SocketChannel.open(StandardProtocolFamily.UNIX), UnixDomainSocketAddress.of(socket));
  }

  public void write(String raw) throws IOException {
    write(raw.getBytes(StandardCharsets.UTF_8));
  }

  public void write(byte[] raw) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(raw);
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        await(SelectionKey.OP_WRITE, "writing " + buffer.remaining() + " more bytes");
      }
    }
  }

  /** Writes one request with a Content-Length body (none when {@code body} is null). */
  public void writeRequest(String method, String path, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    write(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n");
    write(bytes);
  }

  /** Writes one request and reads its response. */
  public RawResponse exchange(String method, String path, String body) throws IOException {
    writeRequest(method, path, body);
    return readResponse();
  }

  /** Reads one response; the servers always send Content-Length, so that is all this handles. */
  public RawResponse readResponse() throws IOException {
    String statusLine = readLine();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = new byte[length];
    for (int i = 0; i < length; i++) {
      int b = read();
      if (b == -1) {
        throw new IOException("connection closed after " + i + " of " + length + " body bytes");
      }
      body[i] = (byte) b;
    }
    return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True once the server has closed its side: a read returns end of stream (or the peer reset). */
  public boolean serverClosed() throws IOException {
    try {
      return read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // a reset: the server closed while our bytes were still unread
    }
  }

  /** True when response bytes (or end of stream) arrive within {@code wait}; consumes nothing. */
  public boolean readableWithin(Duration wait) throws IOException {
    if (received.hasRemaining()) {
      return true;
    }
    key.interestOps(SelectionKey.OP_READ);
    boolean readable = selector.select(Math.max(1, wait.toMillis())) > 0;
    selector.selectedKeys().clear();
    return readable;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = read()) != '\n') {
      if (b == -1) {
        throw new IOException("connection closed mid-response after: " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private int read() throws IOException {
    while (!received.hasRemaining()) {
      received.clear();
      int n = channel.read(received);
      received.flip();
      if (n == -1) {
        return -1;
      }
      if (n == 0) {
        await(SelectionKey.OP_READ, "a response");
      }
    }
    return received.get() & 0xff;
  }

  private void await(int operation, String what) throws IOException {
    key.interestOps(operation);
    if (selector.select(DEADLINE.toMillis()) == 0) {
      throw new SocketTimeoutException("no progress " + what + " within " + DEADLINE);
    }
    selector.selectedKeys().clear();
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
