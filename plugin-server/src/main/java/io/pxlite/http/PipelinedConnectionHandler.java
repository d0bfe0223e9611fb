package io.pxlite.http;

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
 * Serves one connection: runs each request on the worker pool (routes block on etcd, Raft, mkfs or
 * mount, which must never stall an I/O thread) and writes the responses back in request order, as
 * HTTP/1.1 pipelining requires.
 *
 * <p>Order is kept by chaining each request's work after the previous request's write. The chain is
 * only touched on the channel's event loop, so it needs no lock; one instance per channel. The chain
 * also means one connection occupies at most one worker at a time.
 */
final class PipelinedConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PipelinedConnectionHandler.class);

  private final String serverName;
  private final RequestDispatcher dispatcher;
  private final Executor workers;
  private final int maxBodyBytes;
  private final String contentType;
  private CompletableFuture<Void> previousWrite = CompletableFuture.completedFuture(null);

  PipelinedConnectionHandler(
      String serverName, RequestDispatcher dispatcher, Executor workers, int maxBodyBytes, String contentType) {
    this.serverName = serverName;
    this.dispatcher = dispatcher;
    this.workers = workers;
    this.maxBodyBytes = maxBodyBytes;
    this.contentType = contentType;
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
        JsonRequest request = JsonRequest.copyOf(http);
        enqueue(ctx, () -> dispatcher.respond(request), false);
      } finally {
        http.release();
      }
    } else if (msg instanceof OversizedRequest oversized) {
      log.debug("{}: {} {}: body over {} bytes", serverName, oversized.method(), oversized.uri(), maxBodyBytes);
      enqueue(ctx, () -> dispatcher.tooLarge(maxBodyBytes), oversized.closeAfterResponse());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void enqueue(ChannelHandlerContext ctx, Supplier<JsonResponse> work, boolean closeAfterResponse) {
    previousWrite = previousWrite
        .thenApplyAsync(ignored -> work.get(), workers)
        .exceptionally(this::responseForFailure)
        .thenAcceptAsync(response -> write(ctx, response, closeAfterResponse), ctx.executor())
        .exceptionally(failure -> {
          // Only when the event loop is gone, i.e. the server is closing: nobody is left to answer.
          log.debug("{}: dropped a response on {}: {}", serverName, ctx.channel(), failure.toString());
          return null;
        });
  }

  private JsonResponse responseForFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    if (cause instanceof RejectedExecutionException) {
      log.warn("{}: worker pool refused a request (saturated or closing); answering 503", serverName);
      return dispatcher.busy();
    }
    // The dispatcher maps every RuntimeException itself, so this is an Error on a worker.
    log.error("{}: request failed outside the dispatcher", serverName, cause);
    return dispatcher.internalError(cause);
  }

  private void write(ChannelHandlerContext ctx, JsonResponse response, boolean closeAfterResponse) {
    FullHttpResponse http = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, response.status(), Unpooled.wrappedBuffer(response.body()));
    // A length on every response lets HttpServerKeepAliveHandler keep the connection open.
    http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    if (response.body().length > 0) {
      http.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
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
      log.debug("{}: connection {} failed: {}", serverName, ctx.channel(), cause.toString());
    } else {
      log.warn("{}: connection {} failed; closing it", serverName, ctx.channel(), cause);
    }
    ctx.close();
  }
}
