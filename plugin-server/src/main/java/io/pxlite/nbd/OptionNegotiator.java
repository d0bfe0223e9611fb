package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the options of fixed-newstyle haggling and remembers what they turned on (structured
 * replies, the base:allocation context) until the client enters transmission with
 * {@code NBD_OPT_GO} or {@code NBD_OPT_EXPORT_NAME}; then it swaps the pipeline over to the
 * transmission handlers. Options may come in any order and repeat; a malformed one is answered with
 * {@code NBD_REP_ERR_INVALID} and haggling goes on. Options naming an export are answered once
 * {@link ExportLookup} found it, off the event loop; the options after them wait.
 */
final class OptionNegotiator extends SimpleChannelInboundHandler<OptionRequest> {
  private static final Logger log = LoggerFactory.getLogger(OptionNegotiator.class);
  private static final int EXPORT_NAME_REPLY_ZEROES = 124;

  private final NbdExportCatalog catalog;
  private final Executor blocking;
  private final NbdMetrics metrics;
  private final ExportLookup lookup;
  private final boolean noZeroes;

  private boolean structuredReplies;
  /** The export name the last successful SET_META_CONTEXT selected base:allocation for, or null. */
  private String allocationContextExport;
  /** Set once haggling is over (transmission entered, ABORT, oversized option); later options are ignored. */
  private boolean finished;

  OptionNegotiator(NbdExportCatalog catalog, Executor blocking, ExportLookup lookup, boolean noZeroes, NbdMetrics metrics) {
    super(OptionRequest.class);
    this.metrics = metrics;
    this.catalog = catalog;
    this.blocking = blocking;
    this.lookup = lookup;
    this.noZeroes = noZeroes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OptionRequest request) {
    if (finished) {
      return;
    }
    int option = request.option();
    if (request.oversized()) {
      replyAndClose(ctx, OptionReply.error(option, REP_ERR_TOO_BIG, String.format(
          "%s of %d bytes exceeds the %d byte limit for options",
          optionName(option), request.declaredLength(), OptionDecoder.MAX_OPTION_LENGTH)));
      return;
    }
    ByteBuf data = request.content();
    try {
      switch (option) {
        case OPT_EXPORT_NAME -> exportName(ctx, data);
        case OPT_ABORT -> replyAndClose(ctx, OptionReply.ack(option));
        case OPT_LIST -> list(ctx, data);
        case OPT_STARTTLS -> reply(ctx, OptionReply.error(option, REP_ERR_POLICY,
            "TLS is not offered: serve over the root-only unix socket or a trusted network"));
        case OPT_INFO, OPT_GO -> infoOrGo(ctx, option, data);
        case OPT_STRUCTURED_REPLY -> structuredReply(ctx, data);
        case OPT_LIST_META_CONTEXT -> listMetaContext(ctx, data);
        case OPT_SET_META_CONTEXT -> setMetaContext(ctx, data);
        default -> reply(ctx, OptionReply.error(option, REP_ERR_UNSUP, optionName(option) + " is not supported"));
      }
    } catch (MalformedOptionException e) {
      log.debug("{}: {}", ConnectionFaultHandler.describe(ctx.channel()), e.getMessage());
      reply(ctx, OptionReply.error(option, REP_ERR_INVALID, e.getMessage()));
    }
  }

  /** The old way in: no error can be returned, so an unknown export means a hard disconnect. */
  private void exportName(ChannelHandlerContext ctx, ByteBuf data) {
    String name;
    try {
      name = new OptionPayloadReader(data, OPT_EXPORT_NAME).readString(data.readableBytes(), "export name");
    } catch (MalformedOptionException e) {
      throw new NbdProtocolException(e.getMessage());
    }
    lookup.lookUp(ctx, name, found -> {
      if (found.failure() != null) {
        throw new NbdProtocolException("NBD_OPT_EXPORT_NAME for export '" + name + "', which is not available now: "
            + found.failure().getMessage());
      }
      NbdExport export = found.export().orElseThrow(
          () -> new NbdProtocolException("NBD_OPT_EXPORT_NAME for unknown export '" + name + "'"));
      NegotiatedExport negotiated = negotiate(export, name);
      ByteBuf reply = ctx.alloc().buffer(10 + EXPORT_NAME_REPLY_ZEROES)
          .writeLong(negotiated.sizeBytes())
          .writeShort(negotiated.transmissionFlags());
      if (!noZeroes) {
        reply.writeZero(EXPORT_NAME_REPLY_ZEROES);
      }
      ctx.writeAndFlush(reply).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      enterTransmission(ctx, negotiated);
    });
  }

  private void list(ChannelHandlerContext ctx, ByteBuf data) {
    if (data.isReadable()) {
      throw new MalformedOptionException("NBD_OPT_LIST carries no data");
    }
    for (String name : catalog.names()) {
      ctx.write(OptionReply.server(OPT_LIST, name));
    }
    reply(ctx, OptionReply.ack(OPT_LIST));
  }

  private void infoOrGo(ChannelHandlerContext ctx, int option, ByteBuf data) {
    InfoRequest request = InfoRequest.parse(option, data);
    withExport(ctx, option, request.exportName(), export -> {
      NegotiatedExport negotiated = negotiate(export, request.exportName());
      ctx.write(OptionReply.infoExport(option, negotiated.sizeBytes(), negotiated.transmissionFlags()));
      if (request.asks(INFO_NAME)) {
        ctx.write(OptionReply.infoString(option, INFO_NAME, export.name()));
      }
      if (request.asks(INFO_DESCRIPTION)) {
        String kind = export.readOnly() ? "read-only snapshot" : "volume";
        ctx.write(OptionReply.infoString(option, INFO_DESCRIPTION, "pxlite " + kind + " " + export.name()));
      }
      // Sent unasked too: the spec lets a server volunteer it, and it states our (default) limits.
      ctx.write(OptionReply.infoBlockSize(option));
      reply(ctx, OptionReply.ack(option));
      if (option == OPT_GO) {
        enterTransmission(ctx, negotiated);
      }
    });
  }

  /**
   * Runs {@code then} with the export named once it is looked up (see {@link ExportLookup}), or tells
   * the client why there is none: no such export, or one the catalog could not open now (say its
   * replica group did not answer), which the spec's "not available" covers.
   */
  private void withExport(ChannelHandlerContext ctx, int option, String name, Consumer<NbdExport> then) {
    lookup.lookUp(ctx, name, found -> {
      RuntimeException failure = found.failure();
      if (failure != null) {
        if (failure instanceof NbdException) {
          log.info("{}: export '{}' is not available: {}", ConnectionFaultHandler.describe(ctx.channel()), name,
              failure.getMessage());
        } else {
          log.warn("{}: opening export '{}' failed", ConnectionFaultHandler.describe(ctx.channel()), name, failure);
        }
        reply(ctx, OptionReply.error(option, REP_ERR_UNKNOWN, "export '" + name + "' is not available now: "
            + failure.getMessage()));
      } else if (found.export().isEmpty()) {
        reply(ctx, OptionReply.error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'"));
      } else {
        then.accept(found.export().get());
      }
    });
  }

  private void structuredReply(ChannelHandlerContext ctx, ByteBuf data) {
    if (data.isReadable()) {
      throw new MalformedOptionException("NBD_OPT_STRUCTURED_REPLY carries no data");
    }
    structuredReplies = true;
    reply(ctx, OptionReply.ack(OPT_STRUCTURED_REPLY));
  }

  private void listMetaContext(ChannelHandlerContext ctx, ByteBuf data) {
    if (!structuredReplies) {
      reply(ctx, OptionReply.error(OPT_LIST_META_CONTEXT, REP_ERR_INVALID,
          "negotiate NBD_OPT_STRUCTURED_REPLY before metadata contexts"));
      return;
    }
    MetaContextRequest request = MetaContextRequest.parse(OPT_LIST_META_CONTEXT, data);
    withExport(ctx, OPT_LIST_META_CONTEXT, request.exportName(), export -> {
      for (String context : request.listedContexts()) {
        // The spec reserves the id in list replies; zero is what it asks for.
        ctx.write(OptionReply.metaContext(OPT_LIST_META_CONTEXT, 0, context));
      }
      reply(ctx, OptionReply.ack(OPT_LIST_META_CONTEXT));
    });
  }

  private void setMetaContext(ChannelHandlerContext ctx, ByteBuf data) {
    // Every SET replaces the selection, including one that fails.
    allocationContextExport = null;
    if (!structuredReplies) {
      reply(ctx, OptionReply.error(OPT_SET_META_CONTEXT, REP_ERR_INVALID,
          "negotiate NBD_OPT_STRUCTURED_REPLY before metadata contexts"));
      return;
    }
    MetaContextRequest request = MetaContextRequest.parse(OPT_SET_META_CONTEXT, data);
    withExport(ctx, OPT_SET_META_CONTEXT, request.exportName(), export -> {
      if (request.selectsAllocation()) {
        allocationContextExport = request.exportName();
        ctx.write(OptionReply.metaContext(OPT_SET_META_CONTEXT,
            MetaContextRequest.ALLOCATION_CONTEXT_ID, MetaContextRequest.BASE_ALLOCATION));
      }
      reply(ctx, OptionReply.ack(OPT_SET_META_CONTEXT));
    });
  }

  /** A context selected for another export name does not carry over (spec: same export name). */
  private NegotiatedExport negotiate(NbdExport export, String requestedName) {
    return NegotiatedExport.of(export, structuredReplies, requestedName.equals(allocationContextExport));
  }

  private void enterTransmission(ChannelHandlerContext ctx, NegotiatedExport negotiated) {
    finished = true;
    ChannelPipeline pipeline = ctx.pipeline();
    // The replies above are already encoded (writes on the event loop encode synchronously).
    pipeline.replace(NbdChannelInitializer.OPTION_ENCODER, NbdChannelInitializer.REPLY_ENCODER,
        new TransmissionReplyEncoder(negotiated.structuredReplies()));
    pipeline.replace(this, NbdChannelInitializer.SESSION, new TransmissionSession(negotiated, blocking, metrics));
    // Replaced last: bytes already buffered after this option are forwarded to the request decoder,
    // which must by then be followed by the session.
    pipeline.replace(NbdChannelInitializer.OPTION_DECODER, NbdChannelInitializer.REQUEST_DECODER,
        new RequestDecoder());
    pipeline.remove(NbdChannelInitializer.HANDSHAKE_TIMEOUT);
    // Replies complete on other threads, each with its own flush; under load that is a write(2)
    // per reply. This handler, nearest the socket, turns flushes that come close together into one.
    pipeline.addFirst(NbdChannelInitializer.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    log.debug("{} entered transmission on export '{}' (flags 0x{}, structured replies {}, base:allocation {})",
        ConnectionFaultHandler.describe(ctx.channel()), negotiated.export().name(),
        Integer.toHexString(negotiated.transmissionFlags()), negotiated.structuredReplies(),
        negotiated.allocationContext());
  }

  private void reply(ChannelHandlerContext ctx, OptionReply reply) {
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  /** Sends a last reply, stops reading, and closes once the reply has left. */
  private void replyAndClose(ChannelHandlerContext ctx, OptionReply reply) {
    finished = true;
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
  }
}
