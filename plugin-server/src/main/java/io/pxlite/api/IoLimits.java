package io.pxlite.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A volume's I/O limits (PX's {@code --max_iops R,W} and {@code --max_bandwidth R,W}), for all its
 * clients together; 0 = no limit. Bandwidth is in bytes per second.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IoLimits(long readIops, long writeIops, long readBytesPerSecond, long writeBytesPerSecond) {
  public static final IoLimits NONE = new IoLimits(0, 0, 0, 0);

  public IoLimits {
    if (readIops < 0 || writeIops < 0 || readBytesPerSecond < 0 || writeBytesPerSecond < 0) {
      throw new IllegalArgumentException("I/O limits cannot be negative: " + readIops + "," + writeIops + " IOPS, "
          + readBytesPerSecond + "," + writeBytesPerSecond + " B/s");
    }
  }

  /** {@code limits}, or {@link #NONE} for a record written before limits existed. */
  public static IoLimits orNone(IoLimits limits) {
    return limits == null ? NONE : limits;
  }

  public IoLimits withIops(long read, long write) {
    return new IoLimits(read, write, readBytesPerSecond, writeBytesPerSecond);
  }

  public IoLimits withBandwidth(long read, long write) {
    return new IoLimits(readIops, writeIops, read, write);
  }

  @JsonIgnore
  public boolean isUnlimited() {
    return readIops == 0 && writeIops == 0 && readBytesPerSecond == 0 && writeBytesPerSecond == 0;
  }
}
