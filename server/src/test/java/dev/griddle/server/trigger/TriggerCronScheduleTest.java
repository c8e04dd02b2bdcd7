package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Next-fire computation with fixed instants: zones, daylight-saving gaps and repeats, macros, missed fires. */
class TriggerCronScheduleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private static List<Instant> fires(CronSchedule schedule, String from, int count) {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            t = schedule.next(t);
            out.add(t);
        }
        return out;
    }

    private static List<Instant> instants(String... values) {
        return java.util.Arrays.stream(values).map(Instant::parse).toList();
    }

    @Test
    void everyMinuteIsStrictlyAfter() {
        CronSchedule s = CronSchedule.parse("* * * * *", UTC);
        assertThat(s.next(Instant.parse("2026-05-01T10:00:00Z"))).isEqualTo("2026-05-01T10:01:00Z");
        assertThat(s.next(Instant.parse("2026-05-01T10:00:00.001Z"))).isEqualTo("2026-05-01T10:01:00Z");
        assertThat(s.next(Instant.parse("2026-05-01T10:00:59.999Z"))).isEqualTo("2026-05-01T10:01:00Z");
    }

    @Test
    void firesInItsTimeZone() {
        CronSchedule weekdays = CronSchedule.parse("0 7 * * 1-5", BERLIN);
        // Friday 2026-05-01 08:00 Berlin (06:00Z): next is Monday 07:00 CEST = 05:00Z
        assertThat(fires(weekdays, "2026-05-01T06:00:00Z", 2)).isEqualTo(instants("2026-05-04T05:00:00Z", "2026-05-05T05:00:00Z"));
        CronSchedule tokyo = CronSchedule.parse("30 9 * * *", ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.next(Instant.parse("2026-01-10T00:00:00Z"))).isEqualTo("2026-01-10T00:30:00Z");
    }

    @Test
    void macros() {
        Instant from = Instant.parse("2026-05-13T10:17:00Z"); // a Wednesday
        assertThat(CronSchedule.parse("@hourly", UTC).next(from)).isEqualTo("2026-05-13T11:00:00Z");
        assertThat(CronSchedule.parse("@daily", UTC).next(from)).isEqualTo("2026-05-14T00:00:00Z");
        assertThat(CronSchedule.parse("@weekly", UTC).next(from)).isEqualTo("2026-05-17T00:00:00Z");
        assertThat(CronSchedule.parse("@monthly", UTC).next(from)).isEqualTo("2026-06-01T00:00:00Z");
        assertThat(CronSchedule.parse("@yearly", UTC).next(from)).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(CronSchedule.parse("@daily", BERLIN).next(from)).isEqualTo("2026-05-13T22:00:00Z");
    }

    @Test
    void badExpressionsAndZonesSayWhy() {
        assertThatThrownBy(() -> CronSchedule.parse("* * * *", UTC)).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", UTC)).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> CronSchedule.parse("@sometimes", UTC)).hasMessageContaining("unknown macro");
        assertThatThrownBy(() -> CronSchedule.zone("Mars/Olympus")).hasMessageContaining("unknown time zone 'Mars/Olympus'");
    }

    @Test
    void springForwardGapLosesNoDay() {
        // Europe/Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day
        CronSchedule s = CronSchedule.parse("30 2 * * *", BERLIN);
        assertThat(fires(s, "2026-03-27T12:00:00Z", 4)).isEqualTo(instants(
                "2026-03-28T01:30:00Z",  // 02:30 CET
                "2026-03-29T01:00:00Z",  // the gap: fires once when the clocks jump (03:00 CEST)
                "2026-03-30T00:30:00Z",  // 02:30 CEST
                "2026-03-31T00:30:00Z"));
    }

    @Test
    void springForwardGapCollapsesIntoOneFireForFrequentSchedules() {
        CronSchedule s = CronSchedule.parse("*/30 * * * *", BERLIN);
        assertThat(fires(s, "2026-03-29T00:15:00Z", 4)).isEqualTo(instants(
                "2026-03-29T00:30:00Z",  // 01:30 CET
                "2026-03-29T01:00:00Z",  // 02:00 and 02:30 (missing) and 03:00 CEST: one fire
                "2026-03-29T01:30:00Z",  // 03:30 CEST
                "2026-03-29T02:00:00Z"));
    }

    @Test
    void fallBackRepeatFiresOnce() {
        // Europe/Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice
        CronSchedule s = CronSchedule.parse("30 2 * * *", BERLIN);
        assertThat(fires(s, "2026-10-24T12:00:00Z", 2)).isEqualTo(instants(
                "2026-10-25T00:30:00Z",  // 02:30 CEST, the first occurrence only
                "2026-10-26T01:30:00Z"));
        CronSchedule hourly = CronSchedule.parse("0 * * * *", BERLIN);
        assertThat(fires(hourly, "2026-10-24T23:30:00Z", 3)).isEqualTo(instants(
                "2026-10-25T00:00:00Z",  // 02:00 CEST
                "2026-10-25T02:00:00Z",  // 03:00 CET: 02:00 CET is the repeat and does not fire again
                "2026-10-25T03:00:00Z"));
        // a node computing its next fire from inside the repeated hour does not fire the repeat either
        assertThat(s.next(Instant.parse("2026-10-25T01:10:00Z"))).isEqualTo("2026-10-26T01:30:00Z");
    }

    @Test
    void missedInstantsFoldIntoOneFire() {
        CronSchedule s = CronSchedule.parse("*/5 * * * *", UTC);
        CronSchedule.Due due = s.due(Instant.parse("2026-05-01T10:00:00Z"), Instant.parse("2026-05-01T10:22:10Z"));
        assertThat(due.scheduledAt()).isEqualTo("2026-05-01T10:20:00Z");
        assertThat(due.missed()).isEqualTo(4); // 10:00, 10:05, 10:10, 10:15 folded into the 10:20 fire
        assertThat(due.next()).isEqualTo("2026-05-01T10:25:00Z");

        CronSchedule.Due onTime = s.due(Instant.parse("2026-05-01T10:00:00Z"), Instant.parse("2026-05-01T10:00:00.300Z"));
        assertThat(onTime.scheduledAt()).isEqualTo("2026-05-01T10:00:00Z");
        assertThat(onTime.missed()).isZero();
        assertThat(onTime.next()).isEqualTo("2026-05-01T10:05:00Z");
    }
}
