package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class BackupScheduleTest {
    final BackupSchedule daily = new BackupSchedule("0 3 * * *");

    ZonedDateTime at(String iso) {
        return ZonedDateTime.parse(iso).withZoneSameInstant(ZoneOffset.UTC);
    }

    @Test
    void theLatestSlotIsDueUntilABackupStartsAfterIt() {
        ZonedDateTime now = at("2026-12-01T03:00:30Z");
        assertThat(daily.due(now, Instant.parse("2026-11-30T03:00:05Z"), null)).contains(at("2026-12-01T03:00:00Z"));
        assertThat(daily.due(now, Instant.parse("2026-12-01T03:00:05Z"), null)).isEmpty();
    }

    @Test
    void slotsMissedWhileNoPrimaryRanAreMadeUpOnceNotOncePerSlot() {
        ZonedDateTime afterThreeDays = at("2026-12-04T10:00:00Z");
        Instant before = Instant.parse("2026-12-01T03:00:05Z");
        assertThat(daily.due(afterThreeDays, before, null)).contains(at("2026-12-04T03:00:00Z"));
        Instant tried = at("2026-12-04T03:00:00Z").toInstant();
        assertThat(daily.due(afterThreeDays.plusMinutes(1), before, tried)).as("tried, even if it failed").isEmpty();
        assertThat(daily.due(at("2026-12-05T03:00:00Z"), before, tried)).contains(at("2026-12-05T03:00:00Z"));
    }

    @Test
    void aNewPrimaryDoesNotRepeatTheBackupTheOldOneTookForTheSameSlot() {
        assertThat(daily.due(at("2026-12-01T03:05:00Z"), Instant.parse("2026-12-01T03:00:01Z"), null)).isEmpty();
    }

    @Test
    void overdueMeansOlderThanTwoPeriods() {
        BackupSchedule hourly = new BackupSchedule("15 * * * *");
        ZonedDateTime now = at("2026-12-01T12:20:00Z");
        assertThat(hourly.period(now)).isEqualTo(Duration.ofHours(1));
        assertThat(hourly.overdue(now, Instant.parse("2026-12-01T11:15:30Z"))).isFalse();
        assertThat(hourly.overdue(now, Instant.parse("2026-12-01T10:19:00Z"))).isTrue();
        assertThat(daily.overdue(now, null)).as("no backup at all once a slot passed").isTrue();
    }
}
