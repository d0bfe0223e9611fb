package io.pxlite.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;

/**
 * One option the client sent during haggling, with its data. An option whose declared length is over
 * the cap carries no data and is {@link #oversized()}: it is answered and the connection closed.
 */
final class OptionRequest extends DefaultByteBufHolder {
  private final int option;
  private final long declaredLength;
  private final boolean oversized;

  private OptionRequest(int option, ByteBuf data, long declaredLength, boolean oversized) {
    super(data);
    this.option = option;
    this.declaredLength = declaredLength;
    this.oversized = oversized;
  }

  static OptionRequest of(int option, ByteBuf data) {
    return new OptionRequest(option, data, data.readableBytes(), false);
  }

  static OptionRequest oversized(int option, long declaredLength) {
    return new OptionRequest(option, Unpooled.EMPTY_BUFFER, declaredLength, true);
  }

  int option() {
    return option;
  }

  long declaredLength() {
    return declaredLength;
  }

  boolean oversized() {
    return oversized;
  }

  @Override
  public String toString() {
    return NbdProtocol.optionName(option) + "(" + declaredLength + " bytes)";
  }
}
