package io.pxlite.nbd;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Looks an export up off the event loop while the connection's option stream waits. Opening an
 * export may take seconds (a node asks etcd for the volume, or its replica group for the size); on
 * the event loop that would stall every other connection the loop serves. Meanwhile the option
 * decoder holds whatever the client sent after the option and nothing more is read, so options are
 * still answered in order and bytes sent right after {@code NBD_OPT_GO} reach the request decoder.
 */
final class ExportLookup {
  /** An export found, none of that name (empty), or one that could not be opened now ({@code failure}). */
  record Result(Optional<NbdExport> export, RuntimeException failure) {}

  private final NbdExportCatalog catalog;
  private final Executor lookups;

  ExportLookup(NbdExportCatalog catalog, Executor lookups) {
    this.catalog = catalog;
    this.lookups = lookups;
  }

  /**
   * Looks {@code name} up and then, back on the event loop, runs {@code then}; a failure it throws
   * goes to the pipeline's fault handler. Reading resumes afterwards unless the connection closed.
   */
  void lookUp(ChannelHandlerContext ctx, String name, Consumer<Result> then) {
    ChannelPipeline pipeline = ctx.pipeline();
    OptionDecoder decoder = (OptionDecoder) pipeline.get(NbdChannelInitializer.OPTION_DECODER);
    ChannelHandlerContext decoderContext = pipeline.context(decoder);
    decoder.pause();
    ctx.channel().config().setAutoRead(false);
    try {
      lookups.execute(() -> {
        Result result = find(name);
        ctx.executor().execute(() -> resume(ctx, decoder, decoderContext, result, then));
      });
    } catch (RejectedExecutionException e) {
      // The server is closing.
      ctx.close();
    }
  }

  private Result find(String name) {
    try {
      return new Result(catalog.find(name), null);
    } catch (RuntimeException e) {
      return new Result(Optional.empty(), e);
    }
  }

  private static void resume(ChannelHandlerContext ctx, OptionDecoder decoder, ChannelHandlerContext decoderContext,
      Result result, Consumer<Result> then) {
    if (!ctx.channel().isActive()) {
      return;
    }
    try {
      then.accept(result);
    } catch (RuntimeException e) {
      ctx.fireExceptionCaught(e);
      return;
    }
    if (!ctx.channel().isActive() || !ctx.channel().isOpen()) {
      return;
    }
    ctx.channel().config().setAutoRead(true);
    // After NBD_OPT_GO the decoder is gone and handed what it held to the request decoder.
    if (!decoderContext.isRemoved()) {
      decoder.resume(decoderContext);
    }
  }
}
