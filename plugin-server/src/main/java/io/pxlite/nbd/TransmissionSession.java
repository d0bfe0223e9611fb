package io.pxlite.nbd;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection in the transmission phase: starts each request as it arrives (so they run
 * concurrently and may complete out of order), writes each reply whole from the event loop, bounds
 * the work in flight by pausing reads, and on {@code NBD_CMD_DISC} (or the end of the client's input)
 * closes once every in-flight request has been answered.
 *
 * <p>All fields but the queue of finished replies are touched on the channel's event loop only.
 * Completions arriving on export or executor threads join that queue; one task on the event loop
 * writes whatever has gathered and flushes once, so a deep queue of small requests costs one
 * hand-off and one socket write per batch of replies, not per reply.
 */
final class TransmissionSession extends ChannelInboundHandlerAdapter {
  /** Requests in flight before reading pauses; deep enough for any real client queue. */
  static final int MAX_IN_FLIGHT_REQUESTS = 128;

  /** Payload and read-buffer bytes in flight before reading pauses: two maximal requests. */
  static final long MAX_IN_FLIGHT_BYTES = 2L * NbdProtocol.MAX_PAYLOAD;

  private static final Logger log = LoggerFactory.getLogger(TransmissionSession.class);

  private final NegotiatedExport negotiated;
  private final Executor blocking;
  private final RequestValidator validator;
  private final NbdMetrics metrics;
  /** This export's I/O metrics; null when per-volume metrics are off. */
  private final ExportIoMetrics io;
  private ExportCommands commands;

  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean replyTaskPending = new AtomicBoolean();

  private int inFlightRequests;
  private long inFlightBytes;
  private boolean disconnecting;

  TransmissionSession(NegotiatedExport negotiated, Executor blocking, NbdMetrics metrics) {
    this.negotiated = negotiated;
    this.blocking = blocking;
    this.metrics = metrics;
    this.io = metrics.of(negotiated.export());
    this.validator = new RequestValidator(negotiated);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    commands = new ExportCommands(negotiated, ctx.channel().eventLoop(), blocking, NbdServer.BLOCKING_THREADS, ctx.alloc());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TransmissionRequest request)) {
      ReferenceCountUtil.release(msg);
      throw new NbdProtocolException("unexpected " + msg + " in the transmission phase");
    }
    if (disconnecting) {
      // The client promised to send nothing after NBD_CMD_DISC (or its input has ended).
      log.debug("{}: ignoring {} after NBD_CMD_DISC", ConnectionFaultHandler.describe(ctx.channel()), request);
      request.release();
      return;
    }
    if (request.type() == NbdProtocol.CMD_DISC) {
      request.release();
      disconnecting = true;
      ctx.channel().config().setAutoRead(false);
      closeWhenDrained(ctx);
      return;
    }
    start(ctx, request);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // The reads of this socket read were queued by start(); now they go out together.
    commands.startPendingReads();
    ctx.fireChannelReadComplete();
  }

  private void start(ChannelHandlerContext ctx, TransmissionRequest request) {
    long cost = request.memoryCost();
    long startNanos = System.nanoTime();
    metrics.request(request.type());
    if (io != null) {
      io.started();
    }
    inFlightRequests++;
    inFlightBytes += cost;
    updateReading(ctx);
    CompletableFuture<TransmissionReply> reply;
    try {
      Optional<NbdException> refusal = validator.refusal(request);
      reply = refusal.isPresent() ? CompletableFuture.failedFuture(refusal.get()) : commands.run(request);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((result, failure) -> {
      // The export is done with the payload once its future completes.
      request.release();
      TransmissionReply outcome = failure == null ? result : failed(request, failure);
      if (outcome instanceof TransmissionReply.Failed refused) {
        metrics.error(refused.error());
      }
      if (io != null) {
        io.finished(request.type(), request.length(), startNanos, outcome instanceof TransmissionReply.Failed);
      }
      finished.add(new Finished(outcome, cost));
      if (replyTaskPending.compareAndSet(false, true)) {
        onEventLoop(ctx, () -> writeFinished(ctx));
      }
    });
  }

  private record Finished(TransmissionReply reply, long cost) {}

  /** Writes every reply finished so far, flushes once, then lets reading go on if the budget allows. */
  private void writeFinished(ChannelHandlerContext ctx) {
    // Cleared first: a reply added from now on schedules another run, so none is left behind.
    replyTaskPending.set(false);
    boolean active = ctx.channel().isActive();
    int written = 0;
    for (Finished f; (f = finished.poll()) != null; ) {
      inFlightRequests--;
      inFlightBytes -= f.cost();
      if (active) {
        ctx.write(f.reply()).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        written++;
      } else {
        ReferenceCountUtil.release(f.reply());
      }
    }
    if (written > 0) {
      ctx.flush();
    }
    if (disconnecting) {
      closeWhenDrained(ctx);
    } else {
      updateReading(ctx);
    }
  }

  /** Maps a failure to the error the client sees; only unexpected ones are logged loudly. */
  private TransmissionReply failed(TransmissionRequest request, Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof NbdException refused) {
      log.debug("export '{}' refused {}: {}", negotiated.export().name(), request, refused.getMessage());
      String message = Objects.requireNonNullElse(refused.getMessage(), refused.error().name());
      return new TransmissionReply.Failed(request.cookie(), refused.error(), message);
    }
    log.warn("export '{}' failed {}", negotiated.export().name(), request, cause);
    return new TransmissionReply.Failed(request.cookie(), NbdError.EIO,
        "I/O error on export '" + negotiated.export().name() + "' (details in the server log)");
  }

  /** Runs {@code task} on the channel's event loop; if the loop is gone, frees the finished replies instead. */
  private void onEventLoop(ChannelHandlerContext ctx, Runnable task) {
    EventExecutor loop = ctx.executor();
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // Shut down with the server: the connection is closed and nobody will read these replies.
      for (Finished f; (f = finished.poll()) != null; ) {
        ReferenceCountUtil.release(f.reply());
      }
    }
  }

  /**
   * Reads only while the connection stays within its in-flight budget and the client keeps up with
   * replies. Requests already buffered when reading pauses are still started, so the caps are
   * exceeded by at most one read's worth of requests.
   */
  private void updateReading(ChannelHandlerContext ctx) {
    boolean read = inFlightRequests < MAX_IN_FLIGHT_REQUESTS
        && inFlightBytes < MAX_IN_FLIGHT_BYTES
        && ctx.channel().isWritable();
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead() != read) {
      config.setAutoRead(read);
    }
  }

  /** Closes after the last reply has been flushed; an empty write completes after all before it. */
  private void closeWhenDrained(ChannelHandlerContext ctx) {
    if (inFlightRequests == 0 && ctx.channel().isActive()) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * The client will send nothing more (it half-closed, or its input ended): like NBD_CMD_DISC,
   * answer what is in flight, then close.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof ChannelInputShutdownEvent) {
      disconnecting = true;
      commands.startPendingReads();
      closeWhenDrained(ctx);
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!disconnecting) {
      updateReading(ctx);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Normally none are left; any that are still finish, so their requests are freed (replies dropped).
    commands.startPendingReads();
    if (inFlightRequests > 0) {
      log.debug("{} closed with {} requests in flight; their replies will be dropped",
          ConnectionFaultHandler.describe(ctx.channel()), inFlightRequests);
    }
    super.channelInactive(ctx);
  }
}
