package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The first step of fixed-newstyle negotiation: sends the greeting (NBDMAGIC, IHAVEOPT, handshake
 * flags), checks the 32-bit client flags, and hands the connection over to option haggling. A
 * client that does not speak fixed newstyle, or sets flags we did not offer, is disconnected.
 */
final class HandshakeDecoder extends ByteToMessageDecoder {
  private static final int HANDSHAKE_FLAGS = NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES;
  private static final int KNOWN_CLIENT_FLAGS = NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES;

  private final NbdExportCatalog catalog;
  private final Executor blocking;
  private final NbdMetrics metrics;
  private final ExportLookup lookup;
  private boolean failed;

  HandshakeDecoder(NbdExportCatalog catalog, Executor blocking, ExportLookup lookup, NbdMetrics metrics) {
    this.metrics = metrics;
    this.catalog = catalog;
    this.blocking = blocking;
    this.lookup = lookup;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ByteBuf greeting = ctx.alloc().buffer(18)
        .writeLong(NbdProtocol.NBDMAGIC)
        .writeLong(NbdProtocol.IHAVEOPT)
        .writeShort(HANDSHAKE_FLAGS);
    ctx.writeAndFlush(greeting).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    int clientFlags = in.readInt();
    if ((clientFlags & ~KNOWN_CLIENT_FLAGS) != 0 || (clientFlags & NbdProtocol.FLAG_C_FIXED_NEWSTYLE) == 0) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new NbdProtocolException(String.format(
          "client flags 0x%08x: only fixed newstyle (0x1) with optional NO_ZEROES (0x2) is served", clientFlags));
    }
    boolean noZeroes = (clientFlags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.addBefore(ctx.name(), NbdChannelInitializer.OPTION_ENCODER, new OptionReplyEncoder());
    pipeline.addAfter(ctx.name(), NbdChannelInitializer.OPTION_NEGOTIATOR,
        new OptionNegotiator(catalog, blocking, lookup, noZeroes, metrics));
    // Bytes already received after the flags (the first option) are forwarded to the replacement.
    pipeline.replace(this, NbdChannelInitializer.OPTION_DECODER, new OptionDecoder());
  }
}
