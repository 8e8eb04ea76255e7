package io.pgha.backup;

import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.RestoreTarget;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Checks a restore target against what the repository holds, before anything changes on disk: a target the
 * backups cannot reach is refused with the range they do cover.
 */
public final class RestorePlan {
    private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private RestorePlan() {}

    /** The target to order, or an {@link IllegalArgumentException} saying what is wrong and what would do. */
    public static RestoreTarget check(BackupInventory inv, String type, String value, String label, Instant now) {
        if (!inv.stanzaExists() || inv.backups().isEmpty())
            throw new IllegalArgumentException("the repository holds no backup to restore from (" + inv.message()
                    + "): take one with pgha backup first");
        BackupInventory.BackupSet from = label == null ? null : inv.byLabel(label);
        if (label != null && from == null)
            throw new IllegalArgumentException("no backup labelled " + label + " in the repository; pgha backup list"
                    + " shows the labels");
        BackupInventory.BackupSet floor = from != null ? from : inv.oldest();
        switch (type) {
            case RestoreTarget.LATEST -> {
                return new RestoreTarget(type, null, label);
            }
            case RestoreTarget.TIME -> {
                Instant t = parseTime(value);
                if (t.isAfter(now))
                    throw new IllegalArgumentException("--to-time " + value + " is in the future; the archive ends now"
                            + " at the latest: use --latest for everything archived");
                Instant reach = Instant.ofEpochSecond(floor.stopEpoch());
                if (t.isBefore(reach))
                    throw new IllegalArgumentException("--to-time " + value + " is before " + (from != null ? "backup "
                            : "the oldest backup, ") + floor.label() + ", which finished at " + reach + ": the repository"
                            + " covers " + reach + " onwards; pick a later time");
                return new RestoreTarget(type, PG_TIME.format(t.atOffset(ZoneOffset.UTC)), label);
            }
            case RestoreTarget.LSN -> {
                long lsn;
                try {
                    lsn = Lsn.parse(value);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--to-lsn " + value + " is not an LSN (like 0/3000060)");
                }
                if (floor.lsnStop() != null && lsn < Lsn.parse(floor.lsnStop()))
                    throw new IllegalArgumentException("--to-lsn " + value + " is before the end of backup "
                            + floor.label() + " (" + floor.lsnStop() + "): the repository covers that LSN onwards");
                return new RestoreTarget(type, Lsn.format(lsn), label);
            }
            default -> throw new IllegalArgumentException("restore target " + type);
        }
    }

    /** ISO-8601 with or without an offset (without: this machine's zone), or PostgreSQL's "2026-11-30 15:04:05+00". */
    static Instant parseTime(String value) {
        String v = value.trim().replace(' ', 'T');
        if (v.matches(".*[+-]\\d\\d$")) v = v + ":00";
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(v).atZone(ZoneId.systemDefault()).toInstant();
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException("--to-time " + value + " is not a time: write it like"
                            + " 2026-11-30T15:04:05Z or '2026-11-30 15:04:05+01'");
                }
            }
        }
    }
}
