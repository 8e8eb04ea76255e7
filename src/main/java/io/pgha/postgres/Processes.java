package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process checks that tell a dead process from a live one on Linux. */
public final class Processes {
    private Processes() {}

    /**
     * Alive and not a zombie: a killed process whose parent has not reaped it yet (a daemonized
     * postmaster's parent is init, which may take a second or two) serves nothing.
     */
    public static boolean isRunning(ProcessHandle h) {
        return h.isAlive() && !isZombie(h.pid());
    }

    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
