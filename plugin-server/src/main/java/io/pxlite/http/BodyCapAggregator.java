package io.pxlite.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates a request into one {@code FullHttpRequest} up to a body cap; an oversized request
 * becomes an {@link OversizedRequest} for the connection handler instead of Netty's bare,
 * out-of-order 413.
 *
 * <p>A client that sends {@code Expect: 100-continue} with a too-large Content-Length still gets
 * Netty's own 413 before any body is sent: right status, empty body.
 */
final class BodyCapAggregator extends HttpObjectAggregator {
  BodyCapAggregator(int maxBodyBytes) {
    super(maxBodyBytes);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
    if (!(oversized instanceof HttpRequest request)) {
      super.handleOversizedMessage(ctx, oversized);
      return;
    }
    // Netty releases `oversized` after this returns, so only plain values are passed on. A partly
    // aggregated (Full) message means body bytes were consumed: the stream cannot be resynchronised.
    boolean close = oversized instanceof FullHttpMessage
        || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
    ctx.fireChannelRead(new OversizedRequest(request.method(), request.uri(), close));
  }
}
