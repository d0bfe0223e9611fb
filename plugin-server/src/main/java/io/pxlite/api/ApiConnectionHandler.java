package io.pxlite.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one connection: runs each request on the worker pool (service calls block on etcd and
 * Raft, which must never stall an I/O thread) and writes the responses back in request order, as
 * HTTP/1.1 pipelining requires.
 *
 * <p>Order is kept by chaining each request's work after the previous request's write. The chain is
 * only touched on the channel's event loop, so it needs no lock; one instance per channel.
 */
final class ApiConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ApiConnectionHandler.class);

  private final ApiDispatcher dispatcher;
  private final Executor workers;
  private final int maxBodyBytes;
  private CompletableFuture<Void> previousWrite = CompletableFuture.completedFuture(null);

  ApiConnectionHandler(ApiDispatcher dispatcher, Executor workers, int maxBodyBytes) {
    this.dispatcher = dispatcher;
    this.workers = workers;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest http) {
      try {
        if (http.decoderResult().isFailure()) {
          String reason = "malformed HTTP request: " + http.decoderResult().cause().getMessage();
          // The decoder lost its place in the byte stream: answer, then drop the connection.
          enqueue(ctx, () -> dispatcher.badRequest(reason), true);
          return;
        }
        ApiRequest request = ApiRequest.copyOf(http);
        enqueue(ctx, () -> dispatcher.respond(request), false);
      } finally {
        http.release();
      }
    } else if (msg instanceof OversizedRequest oversized) {
      log.debug("{} {}: body over {} bytes", oversized.method(), oversized.uri(), maxBodyBytes);
      enqueue(ctx, () -> dispatcher.tooLarge(maxBodyBytes), oversized.closeAfterResponse());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void enqueue(ChannelHandlerContext ctx, Supplier<ApiResponse> work, boolean closeAfterResponse) {
    previousWrite = previousWrite
        .thenApplyAsync(ignored -> work.get(), workers)
        .exceptionally(this::responseForFailure)
        .thenAcceptAsync(response -> write(ctx, response, closeAfterResponse), ctx.executor())
        .exceptionally(failure -> {
          // Only when the event loop is gone, i.e. the server is closing: nobody is left to answer.
          log.debug("dropped a response on {}: {}", ctx.channel(), failure.toString());
          return null;
        });
  }

  private ApiResponse responseForFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    if (cause instanceof RejectedExecutionException) {
      log.warn("management API worker pool refused a request (saturated or closing); answering 503");
      return dispatcher.busy();
    }
    // The dispatcher maps every RuntimeException itself, so this is an Error on a worker.
    log.error("management API request failed outside the dispatcher", cause);
    return dispatcher.internalError(cause);
  }

  private static void write(ChannelHandlerContext ctx, ApiResponse response, boolean closeAfterResponse) {
    FullHttpResponse http = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, response.status(), Unpooled.wrappedBuffer(response.body()));
    // A length on every response lets HttpServerKeepAliveHandler keep the connection open.
    http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    if (response.body().length > 0) {
      http.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    }
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      http.headers().set(header.getKey(), header.getValue());
    }
    if (closeAfterResponse) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(http);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // Peers resetting connections is ordinary life for a server.
      log.debug("management API connection {} failed: {}", ctx.channel(), cause.toString());
    } else {
      log.warn("management API connection {} failed; closing it", ctx.channel(), cause);
    }
    ctx.close();
  }
}
