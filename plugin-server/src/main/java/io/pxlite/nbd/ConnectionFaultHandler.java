package io.pxlite.nbd;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every NBD pipeline: whatever failure reaches it closes that one connection, logged
 * at a level matching whose fault it is, and so does the client's end of input before transmission.
 * Nothing a client sends can escape it to affect others.
 */
@ChannelHandler.Sharable
final class ConnectionFaultHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionFaultHandler.class);

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    String peer = describe(ctx.channel());
    if (failure instanceof NbdProtocolException) {
      log.info("closing NBD {}: {}", peer, failure.getMessage());
    } else if (failure instanceof ReadTimeoutException) {
      log.info("closing NBD {}: handshake not completed in time", peer);
    } else if (failure instanceof IOException) {
      log.debug("closing NBD {}: {}", peer, failure.toString());
    } else {
      log.warn("closing NBD {} after an unexpected failure", peer, failure);
    }
    ctx.close();
  }

  /**
   * The client stopped sending before transmission (the session handles it during transmission):
   * nothing more can be negotiated, so close once replies already written have left.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    ReferenceCountUtil.release(event);
  }

  /** Names a connection in logs: unix peers have no address, so the channel id tells them apart. */
  static String describe(Channel channel) {
    SocketAddress remote = channel.remoteAddress();
    String from = remote instanceof DomainSocketAddress || remote == null ? "unix socket" : remote.toString();
    return "connection " + channel.id().asShortText() + " from " + from;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Only reachable through a bug in an earlier phase handler; do not let the message leak.
    ReferenceCountUtil.release(msg);
    exceptionCaught(ctx, new IllegalStateException("no handler consumed " + msg.getClass().getName()));
  }
}
