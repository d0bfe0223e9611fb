package io.pxlite.pxctl;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link CannedApi} served over a unix socket by a minimal HTTP/1.1 server: one request per
 * connection, then close. Replies can be framed three ways so pxctl's own HTTP client meets each.
 */
final class UnixCannedServer implements CannedServer {
  /** How the response body is delimited. */
  enum Framing { CONTENT_LENGTH, CHUNKED, UNTIL_CLOSE }

  private final CannedApi api;
  private final Path socket;
  private final Framing framing;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final List<IOException> connectionFailures = new CopyOnWriteArrayList<>();

  UnixCannedServer(CannedApi api, Path socket, Framing framing) throws IOException {
    this.api = api;
    this.socket = socket;
    this.framing = framing;
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    acceptor = new Thread(this::acceptLoop, "canned-unix-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel connection;
      try {
        connection = server.accept();
      } catch (AsynchronousCloseException e) {
        return; // close() was called
      } catch (IOException e) {
        throw new UncheckedIOException("canned unix server at " + socket + " cannot accept", e);
      }
      try (connection) {
        serve(connection);
      } catch (IOException e) {
        // One broken exchange (the client went away) must not stop the server for the next one.
        connectionFailures.add(e);
      }
    }
  }

  private void serve(SocketChannel connection) throws IOException {
    InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
    String[] requestLine = readLine(in).split(" ");
    int contentLength = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    String body = new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
    CannedApi.Reply reply = api.answer(new CannedApi.Request(requestLine[0], requestLine[1], body));
    OutputStream out = Channels.newOutputStream(connection);
    out.write(frame(reply).getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String frame(CannedApi.Reply reply) {
    int length = reply.body().getBytes(StandardCharsets.UTF_8).length;
    String head = "HTTP/1.1 " + reply.status() + " Canned\r\nContent-Type: application/json\r\nConnection: close\r\n";
    if (reply.status() == 204) {
      return head + "\r\n";
    }
    return switch (framing) {
      case CONTENT_LENGTH -> head + "Content-Length: " + length + "\r\n\r\n" + reply.body();
      case UNTIL_CLOSE -> head + "\r\n" + reply.body();
      case CHUNKED -> head + "Transfer-Encoding: chunked\r\n\r\n" + chunked(reply.body());
    };
  }

  /** The body in two chunks (one with an extension), to exercise the client's chunk loop. */
  private static String chunked(String body) {
    String first = body.substring(0, body.length() / 2);
    String second = body.substring(body.length() / 2);
    StringBuilder out = new StringBuilder();
    for (String chunk : new String[] {first, second}) {
      int length = chunk.getBytes(StandardCharsets.UTF_8).length;
      if (length > 0) {
        out.append(Integer.toHexString(length)).append(";ext=1\r\n").append(chunk).append("\r\n");
      }
    }
    return out.append("0\r\n\r\n").toString();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new IOException("client closed mid-request");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String endpoint() {
    return socket.toString();
  }

  @Override
  public void close() {
    try {
      server.close();
      acceptor.join(5_000);
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close canned unix server at " + socket, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
