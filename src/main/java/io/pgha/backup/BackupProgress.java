package io.pgha.backup;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads pgBackRest's console lines at {@code --log-level-console=detail}: each copied file ends with the backup's
 * share done so far, e.g. {@code P01 DETAIL: backup file /data/base/5/1255 (768KB, 3.42%) checksum ...}.
 */
final class BackupProgress {
    private static final Pattern FILE = Pattern.compile("\\bbackup file \\S.* \\((?:[^()]*, )?(\\d{1,3}(?:\\.\\d+)?)%\\)");
    private static final Pattern LABEL = Pattern.compile("\\bnew backup label = (\\S+)");
    private static final Pattern ERROR = Pattern.compile("\\bERROR: (\\[\\d+]: .*)");

    private BackupProgress() {}

    /** The percentage a file line reports; empty for every other line. */
    static OptionalDouble percent(String line) {
        Matcher m = FILE.matcher(line);
        return m.find() ? OptionalDouble.of(Math.min(100.0, Double.parseDouble(m.group(1)))) : OptionalDouble.empty();
    }

    /** The label pgBackRest gave the finished backup, or null. */
    static String label(String line) {
        Matcher m = LABEL.matcher(line);
        return m.find() ? m.group(1) : null;
    }

    /** pgBackRest's error ({@code [code]: message}), or null. */
    static String error(String line) {
        Matcher m = ERROR.matcher(line);
        return m.find() ? m.group(1) : null;
    }
}
