package io.pxlite.listen;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One front door: a Netty server bound to a unix socket (root-only, mode 0600) and optionally to
 * one TCP address. Binding only the configured addresses is the security default: nothing listens on
 * a wildcard address unless it is configured.
 */
public final class Listener implements AutoCloseable {
  private final String name;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final List<Channel> channels = new ArrayList<>();
  private final Path unixSocket;

  private Listener(String name, Path unixSocket, int workerThreads) {
    this.name = name;
    this.unixSocket = unixSocket;
    this.boss = new EpollEventLoopGroup(1, new NamedThreadFactory(name + "-accept"));
    this.workers = new EpollEventLoopGroup(workerThreads, new NamedThreadFactory(name + "-io"));
  }

  /**
   * Binds {@code handler} (usually a ChannelInitializer, shared across channels) to {@code unixSocket}
   * and, if present, to {@code tcp}.
   *
   * @throws ListenerBindException naming the address that could not be bound
   */
  public static Listener bind(
      String name, Path unixSocket, Optional<InetSocketAddress> tcp, int workerThreads, ChannelHandler handler) {
    Listener listener = new Listener(name, unixSocket, workerThreads);
    try {
      listener.bindUnix(unixSocket, handler);
      if (tcp.isPresent()) {
        listener.bindTcp(tcp.get(), handler);
      }
      return listener;
    } catch (RuntimeException e) {
      try {
        listener.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void bindUnix(Path path, ChannelHandler handler) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      // A socket file left by a previous process would make bind fail; nobody else owns our path.
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new ListenerBindException(name + ": cannot prepare unix socket " + path + ": " + e.getMessage(), e);
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(EpollServerDomainSocketChannel.class)
        .childHandler(handler);
    try {
      channels.add(b.bind(new DomainSocketAddress(path.toFile())).sync().channel());
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (Exception e) {
      throw new ListenerBindException(name + ": cannot listen on unix socket " + path + ": " + e.getMessage(), e);
    }
  }

  private void bindTcp(InetSocketAddress address, ChannelHandler handler) {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(handler);
    try {
      channels.add(b.bind(address).sync().channel());
    } catch (Exception e) {
      throw new ListenerBindException(name + ": cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  public Path unixSocket() {
    return unixSocket;
  }

  /** The bound TCP address (with the real port if 0 was asked for), if any. */
  public Optional<InetSocketAddress> tcpAddress() {
    return channels.stream()
        .map(Channel::localAddress)
        .filter(InetSocketAddress.class::isInstance)
        .map(InetSocketAddress.class::cast)
        .findFirst();
  }

  @Override
  public void close() {
    for (Channel c : channels) {
      c.close().syncUninterruptibly();
    }
    boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    try {
      Files.deleteIfExists(unixSocket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + unixSocket, e);
    }
  }
}
