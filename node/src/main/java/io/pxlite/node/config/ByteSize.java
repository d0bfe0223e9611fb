package io.pxlite.node.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in the forms PX users type: a number with an optional binary unit (K, M, G, T, optionally
 * followed by "i", "B" or "iB": all are powers of 1024), or a bare number in a unit the field
 * chooses (GiB for volume and device sizes, KiB for block sizes).
 */
public final class ByteSize {
  public static final long KIB = 1L << 10;
  public static final long MIB = 1L << 20;
  public static final long GIB = 1L << 30;
  public static final long TIB = 1L << 40;

  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * @param field named in the error message
   * @throws ConfigException if the text is not a size or the size overflows
   */
  public static long parse(String text, long bareUnit, String field) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(field, "a size is required (e.g. 10G, 512M)");
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigException(field, "'" + text + "' is not a size (use e.g. 10G, 512M, 1T, or a bare number)");
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    long multiplier = switch (unit) {
      case "" -> m.group(3).isEmpty() ? bareUnit : 1;
      case "K" -> KIB;
      case "M" -> MIB;
      case "G" -> GIB;
      case "T" -> TIB;
      case "P" -> TIB * 1024;
      default -> throw new ConfigException(field, "unknown unit in '" + text + "'");
    };
    try {
      return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier)).longValueExact();
    } catch (ArithmeticException e) {
      throw new ConfigException(field, "'" + text + "' is not a whole number of bytes or is too large");
    }
  }

  /** A short human form: 1 GiB, 512 MiB, 4 KiB, 123 B. */
  public static String format(long bytes) {
    long[] units = {TIB, GIB, MIB, KIB};
    String[] names = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      if (bytes >= units[i]) {
        double v = (double) bytes / units[i];
        return (v == Math.floor(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + names[i];
      }
    }
    return bytes + " B";
  }
}
