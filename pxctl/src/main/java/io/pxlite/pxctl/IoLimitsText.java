package io.pxlite.pxctl;

import com.fasterxml.jackson.databind.JsonNode;

/** A volume's I/O limits as inspect prints them: "500 read, 200 write", "unlimited", MiB/s for bandwidth. */
final class IoLimitsText {
  private IoLimitsText() {}

  static String iops(JsonNode limits) {
    return pair(limits.path("read_iops").asLong(), limits.path("write_iops").asLong(), "");
  }

  static String bandwidth(JsonNode limits) {
    return pair(limits.path("read_bytes_per_second").asLong(), limits.path("write_bytes_per_second").asLong(), "/s");
  }

  private static String pair(long read, long write, String perSecond) {
    if (read == 0 && write == 0) {
      return "unlimited";
    }
    return one(read, perSecond) + " read, " + one(write, perSecond) + " write";
  }

  private static String one(long value, String perSecond) {
    if (value == 0) {
      return "unlimited";
    }
    return perSecond.isEmpty() ? Long.toString(value) : HumanSize.of(value) + perSecond;
  }
}
