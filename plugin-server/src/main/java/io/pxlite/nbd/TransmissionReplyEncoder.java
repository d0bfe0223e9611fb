package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@link TransmissionReply} as one whole reply: a simple reply, or (with structured replies)
 * a single chunk carrying {@code NBD_REPLY_FLAG_DONE}. Read data is passed on as its own buffer
 * behind a small header rather than copied.
 */
final class TransmissionReplyEncoder extends MessageToMessageEncoder<TransmissionReply> {
  private static final int SIMPLE_HEADER = 16;
  private static final int CHUNK_HEADER = 20;

  private final boolean structured;

  TransmissionReplyEncoder(boolean structured) {
    super(TransmissionReply.class);
    this.structured = structured;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, TransmissionReply reply, List<Object> out) {
    if (reply instanceof TransmissionReply.Done done) {
      out.add(simple(ctx, done.cookie(), 0));
    } else if (reply instanceof TransmissionReply.ReadData read) {
      encodeRead(ctx, read, out);
    } else if (reply instanceof TransmissionReply.BlockStatus status) {
      out.add(blockStatus(ctx, status));
    } else if (reply instanceof TransmissionReply.Failed failed) {
      out.add(structured ? errorChunk(ctx, failed) : simple(ctx, failed.cookie(), failed.error().code()));
    } else {
      throw new IllegalStateException("unknown reply " + reply.getClass().getName());
    }
  }

  private void encodeRead(ChannelHandlerContext ctx, TransmissionReply.ReadData read, List<Object> out) {
    ByteBuf data = read.content();
    if (!structured) {
      out.add(simple(ctx, read.cookie(), 0));
    } else if (!data.isReadable()) {
      // OFFSET_DATA must carry at least one byte; an empty read is just "done".
      out.add(chunkHeader(ctx, read.cookie(), REPLY_TYPE_NONE, 0, 0));
      return;
    } else {
      out.add(chunkHeader(ctx, read.cookie(), REPLY_TYPE_OFFSET_DATA, 8 + data.readableBytes(), 8)
          .writeLong(read.offset()));
    }
    // The encoder releases the reply after encode; the data buffer travels on with its own reference.
    out.add(data.retain());
  }

  private ByteBuf blockStatus(ChannelHandlerContext ctx, TransmissionReply.BlockStatus status) {
    int length = 4 + 8 * status.extents().size();
    ByteBuf chunk = chunkHeader(ctx, status.cookie(), REPLY_TYPE_BLOCK_STATUS, length, length)
        .writeInt(status.contextId());
    for (AllocationExtents.Extent extent : status.extents()) {
      chunk.writeInt((int) extent.length()).writeInt(extent.flags());
    }
    return chunk;
  }

  private ByteBuf errorChunk(ChannelHandlerContext ctx, TransmissionReply.Failed failed) {
    byte[] message = NbdProtocol.displayable(failed.message()).getBytes(StandardCharsets.UTF_8);
    int length = 6 + message.length;
    return chunkHeader(ctx, failed.cookie(), REPLY_TYPE_ERROR, length, length)
        .writeInt(failed.error().code())
        .writeShort(message.length)
        .writeBytes(message);
  }

  private static ByteBuf simple(ChannelHandlerContext ctx, long cookie, int error) {
    return ctx.alloc().buffer(SIMPLE_HEADER)
        .writeInt(SIMPLE_REPLY_MAGIC)
        .writeInt(error)
        .writeLong(cookie);
  }

  /** A DONE chunk header with room for {@code inline} payload bytes written by the caller. */
  private static ByteBuf chunkHeader(ChannelHandlerContext ctx, long cookie, int type, int length, int inline) {
    return ctx.alloc().buffer(CHUNK_HEADER + inline)
        .writeInt(STRUCTURED_REPLY_MAGIC)
        .writeShort(REPLY_FLAG_DONE)
        .writeShort(type)
        .writeLong(cookie)
        .writeInt(length);
  }
}
