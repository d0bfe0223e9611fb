package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndpointTest {
  @Test
  void aPathIsAUnixSocket() {
    Endpoint endpoint = Endpoint.parse("/var/lib/pxlite/api.sock");

    assertThat(endpoint).hasToString("/var/lib/pxlite/api.sock");
    assertThat(endpoint.openTransport(Duration.ofSeconds(1))).isInstanceOf(UnixSocketTransport.class);
  }

  @Test
  void unixUrlIsAUnixSocket() {
    assertThat(Endpoint.parse("unix:///run/pxlite.sock")).hasToString("/run/pxlite.sock");
  }

  @Test
  void httpUrlIsTcpWithoutTrailingSlash() {
    Endpoint endpoint = Endpoint.parse("http://node-1:9001/");

    assertThat(endpoint).hasToString("http://node-1:9001");
    assertThat(endpoint.openTransport(Duration.ofSeconds(1))).isInstanceOf(TcpTransport.class);
  }

  @Test
  void urlsWithPathsOrOtherSchemesAreRejected() {
    assertThatThrownBy(() -> Endpoint.parse("http://node-1:9001/api"))
        .hasMessage("endpoint http://node-1:9001/api must not have a path; expected http://host:port");
    assertThatThrownBy(() -> Endpoint.parse("https://node-1:9001"))
        .hasMessage("unsupported endpoint https://node-1:9001; give a unix socket path or http://host:port");
    assertThatThrownBy(() -> Endpoint.parse("  "))
        .hasMessage("endpoint is empty; give a unix socket path or http://host:port");
  }
}
