package io.pgha.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@code backup.schedule} (UNIX cron, in the agent's time zone). Only the latest slot counts: slots missed while no
 * primary ran are made up by one backup, not one each.
 */
final class BackupSchedule {
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final ExecutionTime times;

    BackupSchedule(String cron) {
        this.times = ExecutionTime.forCron(CRON.parse(cron));
    }

    /** The latest slot at or before {@code now}. */
    Optional<ZonedDateTime> latestSlot(ZonedDateTime now) {
        ZonedDateTime minute = now.truncatedTo(ChronoUnit.MINUTES);
        if (times.isMatch(minute)) return Optional.of(minute);
        return times.lastExecution(now);
    }

    /**
     * The slot to take a backup for now: the latest one, unless a backup started at or after it ({@code newestStart},
     * from the repository, so a new primary does not repeat the old one's) or it was tried already ({@code lastTried}).
     */
    Optional<ZonedDateTime> due(ZonedDateTime now, Instant newestStart, Instant lastTried) {
        return latestSlot(now).filter(slot -> (newestStart == null || newestStart.isBefore(slot.toInstant()))
                && (lastTried == null || lastTried.isBefore(slot.toInstant())));
    }

    /** The time between the latest slot and the next: how often backups are meant to happen around {@code now}. */
    Duration period(ZonedDateTime now) {
        Optional<ZonedDateTime> last = latestSlot(now);
        Optional<ZonedDateTime> next = last.flatMap(times::nextExecution);
        if (last.isEmpty() || next.isEmpty()) return Duration.ofDays(1);
        return Duration.between(last.get(), next.get());
    }

    /** True when the newest backup finished more than two periods ago (or there is none while a slot has passed). */
    boolean overdue(ZonedDateTime now, Instant newestStop) {
        if (newestStop == null) return latestSlot(now).isPresent();
        return Duration.between(newestStop, now.toInstant()).compareTo(period(now).multipliedBy(2)) > 0;
    }
}
