package io.pxlite.http;

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
 * An HTTP/1.1 server for a JSON API over a {@link Router}: on a root-only unix socket and, when
 * asked, one TCP address.
 *
 * <p>Netty threads only parse and write; every route runs on a bounded worker pool, and a full pool
 * answers 503 rather than queueing without limit. Bodies are capped (413). Every failure, including
 * bytes that are not HTTP, is answered in the API's {@link ResponseFormat} and affects only its own
 * connection.
 */
public final class JsonHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsonHttpServer.class);

  private final String name;
  private final Listener listener;
  private final ThreadPoolExecutor workers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JsonHttpServer(String name, Listener listener, ThreadPoolExecutor workers) {
    this.name = name;
    this.listener = listener;
    this.workers = workers;
  }

  /**
   * Binds {@code router} to {@code unixSocket} (mode 0600; its directory is created if missing) and,
   * if present, to {@code tcp}; use port 0 to let the kernel pick one and read it back from
   * {@link #tcpAddress()}.
   *
   * @throws io.pxlite.listen.ListenerBindException naming the address that could not be bound
   */
  public static JsonHttpServer start(
      HttpServerSettings settings,
      ResponseFormat format,
      Router router,
      Path unixSocket,
      Optional<InetSocketAddress> tcp) {
    RequestDispatcher dispatcher = new RequestDispatcher(router, format);
    ThreadPoolExecutor workers = new ThreadPoolExecutor(
        settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.workerQueue()), new NamedThreadFactory(settings.name() + "-worker"));
    ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
            new HttpServerCodec(),
            new HttpServerKeepAliveHandler(),
            new BodyCapAggregator(settings.maxBodyBytes()),
            new PipelinedConnectionHandler(
                settings.name(), dispatcher, workers, settings.maxBodyBytes(), format.contentType()));
      }
    };
    try {
      Listener listener = Listener.bind(settings.name(), unixSocket, tcp, settings.ioThreads(), pipeline);
      return new JsonHttpServer(settings.name(), listener, workers);
    } catch (RuntimeException e) {
      workers.shutdownNow();
      throw e;
    }
  }

  public Path unixSocket() {
    return listener.unixSocket();
  }

  /** The bound TCP address, with the real port if 0 was asked for; empty if TCP is not configured. */
  public Optional<InetSocketAddress> tcpAddress() {
    return listener.tcpAddress();
  }

  /**
   * Stops accepting, closes connections and removes the socket file, then gives in-flight calls a
   * moment to finish. Closing again does nothing.
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
          log.warn("{}: calls still running after 5 s; interrupting them", name);
          workers.shutdownNow();
        }
      } catch (InterruptedException e) {
        workers.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
