package io.pxlite.nbd;

import io.pxlite.listen.Listener;
import io.pxlite.listen.NamedThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD server of a node: serves the exports of a {@link NbdExportCatalog} with fixed-newstyle
 * negotiation on a root-only unix socket and, if configured, one TCP address.
 *
 * <pre>{@code
 * try (NbdServer server = NbdServer.start(catalog, Path.of("/run/pxlite/nbd.sock"), Optional.empty())) {
 *   // nbdinfo 'nbd+unix:///vol1?socket=/run/pxlite/nbd.sock'
 * }
 * }</pre>
 */
public final class NbdServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NbdServer.class);

  /** Threads for export calls that may block (reads, allocation queries), shared by all connections. */
  static final int BLOCKING_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private static final int IO_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final Listener listener;
  private final ExecutorService blocking;
  /**
   * Export look-ups during negotiation (one per connection, rare, possibly slow): threads of their own
   * so that a slow one holds neither an event loop nor a thread that transmission needs.
   */
  private final ExecutorService lookups;

  private NbdServer(Listener listener, ExecutorService blocking, ExecutorService lookups) {
    this.listener = listener;
    this.blocking = blocking;
    this.lookups = lookups;
  }

  /**
   * Binds and starts serving.
   *
   * @throws io.pxlite.listen.ListenerBindException naming the address that could not be bound
   */
  public static NbdServer start(NbdExportCatalog catalog, Path unixSocket, Optional<InetSocketAddress> tcp) {
    return start(catalog, unixSocket, tcp, new NbdMetrics(new com.codahale.metrics.MetricRegistry(), true));
  }

  /** Serves {@code catalog}'s exports, counting connections, requests and each export's I/O in {@code metrics}. */
  public static NbdServer start(
      NbdExportCatalog catalog, Path unixSocket, Optional<InetSocketAddress> tcp, NbdMetrics metrics) {
    ExecutorService blocking = Executors.newFixedThreadPool(BLOCKING_THREADS, new NamedThreadFactory("nbd-export"));
    ExecutorService lookups = Executors.newCachedThreadPool(new NamedThreadFactory("nbd-export-lookup"));
    try {
      Listener listener = Listener.bind("nbd", unixSocket, tcp, IO_THREADS,
          new NbdChannelInitializer(catalog, blocking, new ExportLookup(catalog, lookups), metrics));
      log.info("NBD server listening on {}{}", unixSocket,
          listener.tcpAddress().map(a -> " and " + a).orElse(""));
      return new NbdServer(listener, blocking, lookups);
    } catch (RuntimeException e) {
      blocking.shutdownNow();
      lookups.shutdownNow();
      throw e;
    }
  }

  public Path unixSocket() {
    return listener.unixSocket();
  }

  /** The bound TCP address, with the real port if port 0 was asked for. */
  public Optional<InetSocketAddress> tcpAddress() {
    return listener.tcpAddress();
  }

  /**
   * Stops listening and closes every connection; requests in flight are not answered. Export calls
   * already running are allowed a few seconds to return so they do not outlive the server.
   */
  @Override
  public void close() {
    try {
      listener.close();
    } finally {
      // A look-up still running finds its channel closed and answers nobody.
      lookups.shutdownNow();
      blocking.shutdown();
      try {
        if (!blocking.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("NBD export calls still running 5 s after close; abandoning them");
          blocking.shutdownNow();
        }
      } catch (InterruptedException e) {
        blocking.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    log.info("NBD server on {} closed", listener.unixSocket());
  }
}
