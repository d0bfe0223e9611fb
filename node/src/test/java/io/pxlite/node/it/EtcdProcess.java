package io.pxlite.node.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real etcd (Debian's etcd-server) on loopback with its data in a test folder. */
public final class EtcdProcess implements AutoCloseable {
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  public EtcdProcess(Path dataDir) {
    this.dataDir = dataDir;
    this.clientPort = FreePorts.next();
    this.peerPort = FreePorts.next();
  }

  public static EtcdProcess start(Path dataDir) {
    EtcdProcess etcd = new EtcdProcess(dataDir);
    etcd.start();
    return etcd;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  public void start() {
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> cmd = List.of("etcd", "--name", "test", "--data-dir", dataDir.toString(),
        "--listen-client-urls", endpoint(), "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "test=" + peer);
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start etcd (is etcd-server installed?)", e);
    }
    Poll.until(Duration.ofSeconds(30), "etcd at " + endpoint() + " to answer /health", this::healthy);
  }

  public boolean healthy() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(1)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("true");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
