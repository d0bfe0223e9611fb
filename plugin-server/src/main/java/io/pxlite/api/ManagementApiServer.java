package io.pxlite.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.pxlite.listen.Listener;
import io.pxlite.listen.NamedThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management REST API (what pxctl talks to): HTTP/1.1 with JSON bodies on the node's root-only
 * unix socket and, when configured, one TCP address. Routes are listed on {@link ManagementRoutes}.
 *
 * <p>Netty threads only parse and write; every {@link ManagementService} call runs on a small,
 * bounded worker pool, and a full pool answers 503 rather than queueing without limit.
 */
public final class ManagementApiServer implements AutoCloseable {
  /** Largest request body accepted; the biggest real request (a volume spec) is a few hundred bytes. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(ManagementApiServer.class);
  private static final int WORKER_THREADS = 4;
  private static final int WORKER_QUEUE = 256;
  private static final int IO_THREADS = 2;

  private final Listener listener;
  private final ThreadPoolExecutor workers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ManagementApiServer(Listener listener, ThreadPoolExecutor workers) {
    this.listener = listener;
    this.workers = workers;
  }

  /**
   * Binds the API to {@code unixSocket} (mode 0600) and, if present, to {@code tcp}; use port 0 to
   * let the kernel pick one and read it back from {@link #tcpAddress()}.
   *
   * @throws io.pxlite.listen.ListenerBindException naming the address that could not be bound
   */
  public static ManagementApiServer start(
      ManagementService service, Path unixSocket, Optional<InetSocketAddress> tcp) {
    ApiJson json = new ApiJson();
    ApiDispatcher dispatcher = new ApiDispatcher(ManagementRoutes.of(service, json), json);
    ThreadPoolExecutor workers = new ThreadPoolExecutor(
        WORKER_THREADS, WORKER_THREADS, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(WORKER_QUEUE), new NamedThreadFactory("pxlite-api-worker"));
    ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
            new HttpServerCodec(),
            new HttpServerKeepAliveHandler(),
            new BodyCapAggregator(MAX_BODY_BYTES),
            new ApiConnectionHandler(dispatcher, workers, MAX_BODY_BYTES));
      }
    };
    Listener listener;
    try {
      listener = Listener.bind("pxlite-api", unixSocket, tcp, IO_THREADS, pipeline);
    } catch (RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
    ManagementApiServer server = new ManagementApiServer(listener, workers);
    log.info("management API listening on {}{}", unixSocket,
        server.tcpAddress().map(a -> " and " + a).orElse(""));
    return server;
  }

  public Path unixSocket() {
    return listener.unixSocket();
  }

  /** The bound TCP address, with the real port if 0 was asked for; empty if TCP is not configured. */
  public Optional<InetSocketAddress> tcpAddress() {
    return listener.tcpAddress();
  }

  /**
   * Stops accepting, closes connections, then gives in-flight service calls a moment to finish.
   * Closing again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.close();
    } finally {
      workers.shutdown();
      try {
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("management API calls still running after 5 s; interrupting them");
          workers.shutdownNow();
        }
      } catch (InterruptedException e) {
        workers.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
