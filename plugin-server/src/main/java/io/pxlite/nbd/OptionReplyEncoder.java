package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link OptionReply}s in the fixed-newstyle reply format (magic, option, type, length, data). */
final class OptionReplyEncoder extends MessageToByteEncoder<OptionReply> {
  OptionReplyEncoder() {
    super(OptionReply.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, OptionReply reply, ByteBuf out) {
    out.writeLong(NbdProtocol.OPTION_REPLY_MAGIC)
        .writeInt(reply.option())
        .writeInt(reply.type())
        .writeInt(reply.data().length)
        .writeBytes(reply.data());
  }
}
