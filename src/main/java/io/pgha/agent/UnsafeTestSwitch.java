package io.pgha.agent;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite's negative control: {@code PGHA_TEST_UNSAFE_NO_FENCING=1} in the agent's environment switches
 * fencing and the watchdog off, so that the suite can show it catches the split brain that follows. Read once, at
 * start; no config key, API or command reaches it, the packaged units never set it, and any other value is refused.
 */
final class UnsafeTestSwitch {
    static final String NO_FENCING = "PGHA_TEST_UNSAFE_NO_FENCING";
    private static final Logger log = LoggerFactory.getLogger(UnsafeTestSwitch.class);

    private UnsafeTestSwitch() {}

    /** Whether fencing is off; says so loudly when it is. */
    static boolean noFencing(Map<String, String> env) {
        String value = env.get(NO_FENCING);
        if (value == null) return false;
        if (!value.equals("1")) {
            log.warn("{}={} is ignored: only the fault suite's negative control sets it, to 1; fencing stays on", NO_FENCING, value);
            return false;
        }
        for (int i = 0; i < 3; i++) {
            log.error("UNSAFE: {}=1: fencing and the watchdog are OFF. A primary that loses the store or freezes keeps"
                    + " taking writes: split brain and lost commits. For the fault suite's negative control only; never in"
                    + " production: remove it from this agent's environment.", NO_FENCING);
        }
        return true;
    }
}
