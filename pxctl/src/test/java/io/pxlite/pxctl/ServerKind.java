package io.pxlite.pxctl;

import java.io.IOException;
import java.nio.file.Path;

/** The two ways pxctl reaches a node; command tests run over both. */
enum ServerKind {
  UNIX_SOCKET {
    @Override
    CannedServer start(CannedApi api, Path dir) throws IOException {
      return new UnixCannedServer(api, dir.resolve("api.sock"), UnixCannedServer.Framing.CONTENT_LENGTH);
    }
  },
  TCP {
    @Override
    CannedServer start(CannedApi api, Path dir) throws IOException {
      return new TcpCannedServer(api);
    }
  };

  abstract CannedServer start(CannedApi api, Path dir) throws IOException;
}
