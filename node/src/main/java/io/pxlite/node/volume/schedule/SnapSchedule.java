package io.pxlite.node.volume.schedule;

import io.pxlite.node.config.ConfigException;
import io.pxlite.node.kvdb.SnapScheduleRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot schedule in PX's forms: {@code periodic mins,keep} (every {@code mins} minutes, slots
 * aligned to the epoch), {@code daily hh:mm,keep}, {@code weekly weekday@hh:mm,keep} and
 * {@code monthly day@hh:mm,keep} (day 1-31; in a shorter month, its last day). Times are UTC. A
 * schedule's slots are the instants it is due; each slot is one snapshot, whose name and id follow from
 * the volume and the slot alone, so every node that acts on the schedule means the same snapshot.
 */
public record SnapSchedule(Kind kind, int periodMinutes, int day, LocalTime time, int keep, Instant since) {
  /** The schedule kinds, by PX's option names. */
  public enum Kind {
    PERIODIC(5), DAILY(7), WEEKLY(5), MONTHLY(12);

    /** How many snapshots PX keeps when the schedule names no count. */
    final int defaultKeep;

    Kind(int defaultKeep) {
      this.defaultKeep = defaultKeep;
    }

    public String option() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String option) {
      for (Kind k : values()) {
        if (k.option().equals(option)) {
          return k;
        }
      }
      throw new IllegalArgumentException("no snapshot schedule kind '" + option + "'");
    }
  }

  public static final int MAX_KEEP = 4096;
  private static final Pattern TIME = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");
  private static final DateTimeFormatter SLOT_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  /**
   * Parses {@code text} ({@code when[,keep]}; {@code ;} may stand for the comma where commas separate
   * options) as a schedule of {@code kind} in force from {@code since}.
   *
   * @throws ConfigException naming the option
   */
  public static SnapSchedule parse(Kind kind, String text, Instant since) {
    String option = kind.option();
    String[] parts = text.trim().split("[,;]", -1);
    if (parts.length > 2 || parts[0].isBlank()) {
      throw new ConfigException(option, "'" + text + "' is not " + form(kind));
    }
    int keep = kind.defaultKeep;
    if (parts.length == 2) {
      try {
        keep = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(option, "'" + parts[1].trim() + "' in '" + text + "' is not a number of snapshots to keep");
      }
      if (keep < 1 || keep > MAX_KEEP) {
        throw new ConfigException(option, "keeps " + keep + " snapshots; keep 1 to " + MAX_KEEP);
      }
    }
    String when = parts[0].trim().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case PERIODIC -> {
        int minutes;
        try {
          minutes = Integer.parseInt(when);
        } catch (NumberFormatException e) {
          throw new ConfigException(option, "'" + when + "' is not a number of minutes (" + form(kind) + ")");
        }
        if (minutes < 1 || minutes > 525_600) {
          throw new ConfigException(option, "every " + minutes + " minutes: use 1 to 525600 (a year)");
        }
        yield new SnapSchedule(kind, minutes, 0, LocalTime.MIDNIGHT, keep, since);
      }
      case DAILY -> new SnapSchedule(kind, 0, 0, time(kind, when), keep, since);
      case WEEKLY -> {
        String[] dayTime = dayAndTime(kind, when);
        DayOfWeek weekday = weekday(dayTime[0]);
        yield new SnapSchedule(kind, 0, weekday.getValue(), time(kind, dayTime[1]), keep, since);
      }
      case MONTHLY -> {
        String[] dayTime = dayAndTime(kind, when);
        int day;
        try {
          day = Integer.parseInt(dayTime[0]);
        } catch (NumberFormatException e) {
          throw new ConfigException(option, "'" + dayTime[0] + "' is not a day of the month (" + form(kind) + ")");
        }
        if (day < 1 || day > 31) {
          throw new ConfigException(option, "day " + day + " of the month: use 1 to 31");
        }
        yield new SnapSchedule(kind, 0, day, time(kind, dayTime[1]), keep, since);
      }
    };
  }

  public static SnapSchedule of(SnapScheduleRecord r) {
    return parse(Kind.of(r.kind()), r.when() + "," + r.keep(), Instant.parse(r.since()));
  }

  public SnapScheduleRecord record() {
    return new SnapScheduleRecord(kind.option(), when(), keep, since.toString());
  }

  /** When it is due, in PX's form: {@code 60}, {@code 14:30}, {@code monday@14:30}, {@code 15@14:30}. */
  public String when() {
    String hhmm = String.format("%02d:%02d", time.getHour(), time.getMinute());
    return switch (kind) {
      case PERIODIC -> Integer.toString(periodMinutes);
      case DAILY -> hhmm;
      case WEEKLY -> DayOfWeek.of(day).name().toLowerCase(Locale.ROOT) + "@" + hhmm;
      case MONTHLY -> day + "@" + hhmm;
    };
  }

  /** As pxctl shows it: {@code periodic 60,5}. */
  public String text() {
    return kind.option() + " " + when() + "," + keep;
  }

  /** The same schedule with the same slots, in force from {@code since}. */
  public boolean sameAs(SnapSchedule other) {
    return kind == other.kind && when().equals(other.when()) && keep == other.keep;
  }

  /** The latest slot at or before {@code now}, or null when none is due yet (before {@link #since}). */
  public Instant dueSlot(Instant now) {
    Instant slot = latestSlot(now);
    return slot.isBefore(since) ? null : slot;
  }

  /** The latest instant at or before {@code now} this schedule names (ignoring {@link #since}). */
  Instant latestSlot(Instant now) {
    ZonedDateTime t = now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    return switch (kind) {
      case PERIODIC -> {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        yield Instant.ofEpochSecond(Math.floorDiv(minute, periodMinutes) * periodMinutes * 60);
      }
      case DAILY -> {
        ZonedDateTime today = t.with(time);
        yield (today.isAfter(t) ? today.minusDays(1) : today).toInstant();
      }
      case WEEKLY -> {
        ZonedDateTime slot = t.with(TemporalAdjusters.previousOrSame(DayOfWeek.of(day))).with(time);
        yield (slot.isAfter(t) ? slot.minusWeeks(1) : slot).toInstant();
      }
      case MONTHLY -> {
        ZonedDateTime slot = monthly(t);
        yield (slot.isAfter(t) ? monthly(t.minusMonths(1)) : slot).toInstant();
      }
    };
  }

  private ZonedDateTime monthly(ZonedDateTime inMonth) {
    ZonedDateTime first = inMonth.withDayOfMonth(1);
    return first.withDayOfMonth(Math.min(day, first.toLocalDate().lengthOfMonth())).with(time);
  }

  /** The name of this schedule's snapshot of {@code volume} at {@code slot}: {@code db.daily-20261206-1430}. */
  public String snapshotName(String volume, Instant slot) {
    return volume + "." + kind.option() + "-" + SLOT_NAME.format(slot);
  }

  /**
   * The id of this schedule's snapshot of volume {@code volumeId} at {@code slot}: the same on every
   * node, so a slot taken twice is refused by the store as a duplicate (63 bits of a SHA-256, like the
   * random ids; never 0).
   */
  public long snapshotId(String volumeId, Instant slot) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest((volumeId + "/" + kind.option() + "/" + slot.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
      long id = 0;
      for (int i = 0; i < 8; i++) {
        id = (id << 8) | (h[i] & 0xff);
      }
      id &= Long.MAX_VALUE;
      return id == 0 ? 1 : id;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String form(Kind kind) {
    return switch (kind) {
      case PERIODIC -> "mins,keep (e.g. 60,5)";
      case DAILY -> "hh:mm,keep (e.g. 14:30,7)";
      case WEEKLY -> "weekday@hh:mm,keep (e.g. sunday@02:00,5)";
      case MONTHLY -> "day@hh:mm,keep (e.g. 1@02:00,12)";
    };
  }

  private static String[] dayAndTime(Kind kind, String when) {
    int at = when.indexOf('@');
    if (at <= 0 || at == when.length() - 1) {
      throw new ConfigException(kind.option(), "'" + when + "' is not " + form(kind));
    }
    return new String[] {when.substring(0, at).trim(), when.substring(at + 1).trim()};
  }

  private static LocalTime time(Kind kind, String text) {
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw new ConfigException(kind.option(), "'" + text + "' is not a time hh:mm (" + form(kind) + ")");
    }
    return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  private static DayOfWeek weekday(String text) {
    for (DayOfWeek d : DayOfWeek.values()) {
      String name = d.name().toLowerCase(Locale.ROOT);
      if (name.equals(text) || name.substring(0, 3).equals(text)) {
        return d;
      }
    }
    throw new ConfigException("weekly", "'" + text + "' is not a weekday (monday … sunday, or mon … sun)");
  }
}
