package io.pxlite.node.volume.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.node.config.ConfigException;
import io.pxlite.node.volume.schedule.SnapSchedule.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapScheduleTest {
  private static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void periodicSlotsAreAlignedToTheEpochMinute() {
    SnapSchedule every15 = SnapSchedule.parse(Kind.PERIODIC, "15,3", LONG_AGO);
    assertThat(every15.keep()).isEqualTo(3);
    assertThat(every15.dueSlot(at("2026-12-06T18:44:59Z"))).isEqualTo(at("2026-12-06T18:30:00Z"));
    assertThat(every15.dueSlot(at("2026-12-06T18:45:00Z"))).isEqualTo(at("2026-12-06T18:45:00Z"));
    assertThat(SnapSchedule.parse(Kind.PERIODIC, "1", LONG_AGO).dueSlot(at("2026-12-06T18:45:59.9Z")))
        .isEqualTo(at("2026-12-06T18:45:00Z"));
  }

  @Test
  void aSlotBeforeTheScheduleWasSetIsNotDue() {
    SnapSchedule s = SnapSchedule.parse(Kind.PERIODIC, "1,3", at("2026-12-06T18:50:30Z"));
    assertThat(s.dueSlot(at("2026-12-06T18:50:45Z"))).isNull();
    assertThat(s.dueSlot(at("2026-12-06T18:51:00Z"))).isEqualTo(at("2026-12-06T18:51:00Z"));
  }

  @Test
  void dailyWeeklyAndMonthlySlots() {
    SnapSchedule daily = SnapSchedule.parse(Kind.DAILY, "14:30,7", LONG_AGO);
    assertThat(daily.dueSlot(at("2026-12-06T14:29:00Z"))).isEqualTo(at("2026-12-05T14:30:00Z"));
    assertThat(daily.dueSlot(at("2026-12-06T14:30:00Z"))).isEqualTo(at("2026-12-06T14:30:00Z"));

    // 2026-12-06 is a Sunday.
    SnapSchedule weekly = SnapSchedule.parse(Kind.WEEKLY, "monday@02:00,4", LONG_AGO);
    assertThat(weekly.dueSlot(at("2026-12-06T18:00:00Z"))).isEqualTo(at("2026-11-30T02:00:00Z"));
    assertThat(weekly.dueSlot(at("2026-12-07T02:00:00Z"))).isEqualTo(at("2026-12-07T02:00:00Z"));
    assertThat(SnapSchedule.parse(Kind.WEEKLY, "sun@19:00", LONG_AGO).dueSlot(at("2026-12-06T18:59:00Z")))
        .isEqualTo(at("2026-11-29T19:00:00Z"));

    SnapSchedule monthly = SnapSchedule.parse(Kind.MONTHLY, "31@01:00,12", LONG_AGO);
    assertThat(monthly.dueSlot(at("2026-12-06T00:00:00Z"))).as("November has 30 days")
        .isEqualTo(at("2026-11-30T01:00:00Z"));
    assertThat(monthly.dueSlot(at("2027-03-01T00:00:00Z"))).as("February 2027 has 28")
        .isEqualTo(at("2027-02-28T01:00:00Z"));
    assertThat(monthly.dueSlot(at("2027-03-31T01:00:00Z"))).isEqualTo(at("2027-03-31T01:00:00Z"));
  }

  @Test
  void defaultsAndTheFormsPxShows() {
    assertThat(SnapSchedule.parse(Kind.PERIODIC, "60", LONG_AGO).text()).isEqualTo("periodic 60,5");
    assertThat(SnapSchedule.parse(Kind.DAILY, "2:05", LONG_AGO).text()).isEqualTo("daily 02:05,7");
    assertThat(SnapSchedule.parse(Kind.WEEKLY, "Sunday@02:00;2", LONG_AGO).text()).isEqualTo("weekly sunday@02:00,2");
    assertThat(SnapSchedule.parse(Kind.MONTHLY, "1@00:00", LONG_AGO).text()).isEqualTo("monthly 1@00:00,12");
  }

  @Test
  void aRecordRoundTrips() {
    SnapSchedule s = SnapSchedule.parse(Kind.WEEKLY, "fri@23:59,9", at("2026-12-06T18:50:30Z"));
    assertThat(SnapSchedule.of(s.record())).isEqualTo(s);
  }

  @Test
  void namesAndIdsFollowFromVolumeAndSlotAlone() {
    SnapSchedule a = SnapSchedule.parse(Kind.PERIODIC, "1,3", LONG_AGO);
    SnapSchedule b = SnapSchedule.parse(Kind.PERIODIC, "1,9", at("2026-01-01T00:00:00Z"));
    Instant slot = at("2026-12-06T18:51:00Z");
    assertThat(a.snapshotName("db", slot)).isEqualTo("db.periodic-20261206-1851");
    assertThat(a.snapshotId("00000000000000ab", slot)).isEqualTo(b.snapshotId("00000000000000ab", slot)).isPositive();
    assertThat(a.snapshotId("00000000000000ab", slot)).isNotEqualTo(a.snapshotId("00000000000000ac", slot))
        .isNotEqualTo(a.snapshotId("00000000000000ab", slot.plusSeconds(60)));
    assertThat(SnapSchedule.parse(Kind.DAILY, "18:51", LONG_AGO).snapshotId("00000000000000ab", slot))
        .as("another kind, another snapshot").isNotEqualTo(a.snapshotId("00000000000000ab", slot));
  }

  @Test
  void badSchedulesNameTheOptionAndTheForm() {
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.PERIODIC, "hourly", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("periodic").hasMessageContaining("mins,keep");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.PERIODIC, "60,0", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("keep 1 to");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.DAILY, "25:00,3", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("daily").hasMessageContaining("hh:mm");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.WEEKLY, "someday@02:00", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weekday");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.WEEKLY, "02:00", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("weekday@hh:mm");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.MONTHLY, "32@02:00", LONG_AGO))
        .isInstanceOf(ConfigException.class).hasMessageContaining("1 to 31");
    assertThatThrownBy(() -> SnapSchedule.parse(Kind.PERIODIC, "1,2,3", LONG_AGO))
        .isInstanceOf(ConfigException.class);
  }
}
