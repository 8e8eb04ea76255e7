package io.pgha.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code pgha harness} tells the operator to run next; never a password, only where to read it. */
public final class NextSteps {
    private NextSteps() {}

    public static List<String> lines(HarnessSetup.Result r) {
        HarnessValues v = r.values();
        Path secret = r.files().get(0).toAbsolutePath();
        Path values = r.files().get(1).toAbsolutePath();
        List<String> out = new ArrayList<>();
        out.add("role " + v.user() + (r.roleCreated() ? " created" : " kept") + " on the primary ("
                + (r.passwordReused() ? "password unchanged" : "new password") + ", in " + r.passwordFile().toAbsolutePath() + ")");
        out.add("endpoint for Harness: " + v.endpoint() + " (" + r.endpointSource() + "; checked: it reaches the primary)");
        for (String db : r.handedOver()) out.add("database " + db + ": now owned by " + v.user() + ", with everything in it");
        out.add("wrote " + secret + " and " + values + " (mode 0600)");
        out.add("");
        out.add("next:");
        out.add("  kubectl apply -n " + v.namespace() + " -f " + secret);
        out.add("  helm upgrade <release> <chart> -n " + v.namespace() + " -f <your values>.yaml -f " + values);
        out.add("check with the connection string a Harness service builds (its password read from the file, not typed):");
        out.add("  PGPASSWORD=\"$(cat " + r.passwordFile().toAbsolutePath() + ")\" psql '" + ServiceUri.of(v, "postgres", false)
                + "' -c 'SELECT current_user, pg_is_in_recovery()'");
        if (!r.timescaleAvailable()) {
            out.add("");
            out.add("WARNING: with global.onprem: true, Harness points the modules that keep their data in TimescaleDB at"
                    + " these hosts too; they need the timescaledb extension, which this cluster does not have (Debian"
                    + " does not package it). Install it on every node, or keep those modules off.");
        }
        return out;
    }
}
