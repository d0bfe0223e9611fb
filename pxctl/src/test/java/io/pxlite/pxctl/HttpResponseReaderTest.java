package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {
  @Test
  void contentLengthBodyStopsAtTheLength() throws IOException {
    HttpReply reply = read("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}trailing junk");

    assertThat(reply.status()).isEqualTo(201);
    assertThat(body(reply)).isEqualTo("{}");
  }

  @Test
  void interimContinueIsSkipped() throws IOException {
    HttpReply reply = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\ntrue");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(body(reply)).isEqualTo("true");
  }

  @Test
  void chunkedBodyIsReassembledAndTrailersIgnored() throws IOException {
    HttpReply reply = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;x=y\r\n[1,\r\n2\r\n2]\r\n0\r\nX-Trailer: t\r\n\r\n");

    assertThat(body(reply)).isEqualTo("[1,2]");
  }

  @Test
  void withoutLengthTheBodyRunsToTheEnd() throws IOException {
    assertThat(body(read("HTTP/1.0 200 OK\nContent-Type: application/json\n\n[]"))).isEqualTo("[]");
  }

  @Test
  void noContentHasNoBody() throws IOException {
    assertThat(read("HTTP/1.1 204 No Content\r\n\r\n").body()).isEmpty();
  }

  @Test
  void truncatedBodyIsAnError() {
    assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\""))
        .isInstanceOf(EOFException.class)
        .hasMessage("connection closed after 4 of 10 body bytes");
  }

  @Test
  void silenceIsAnError() {
    assertThatThrownBy(() -> read(""))
        .isInstanceOf(EOFException.class)
        .hasMessage("server closed the connection without answering");
  }

  @Test
  void somethingThatIsNotHttpIsAnError() {
    assertThatThrownBy(() -> read("SSH-2.0-OpenSSH_9.2\r\n"))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("not an HTTP/1.x status line: \"SSH-2.0-OpenSSH_9.2\"");
  }

  private static HttpReply read(String wire) throws IOException {
    return new HttpResponseReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8))).read();
  }

  private static String body(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }
}
