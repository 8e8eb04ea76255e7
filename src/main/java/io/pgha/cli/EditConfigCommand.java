package io.pgha.cli;

import io.pgha.config.ConfigLoader;
import io.pgha.config.ConfigValidator;
import io.pgha.dcs.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "edit-config", description = "Set or unset PostgreSQL parameters on every member (applied with a"
        + " reload; pgha list shows 'restart pending' where a restart is needed).")
public final class EditConfigCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "a parameter to set, e.g. work_mem=16MB")
    List<String> set = new ArrayList<>();

    @Option(names = "--unset", paramLabel = "NAME", description = "a parameter to return to its default")
    List<String> unset = new ArrayList<>();

    @Option(names = "--bin-dir", description = "PostgreSQL's programs, to check parameter names (default: the config's, or /usr/lib/postgresql/15/bin)")
    Path binDir;

    @Override
    public Integer call() throws Exception {
        if (set.isEmpty() && unset.isEmpty()) throw new UsageError("nothing to change: give --set NAME=VALUE or --unset NAME");
        Path bin = binDir != null ? binDir : store.config != null ? ConfigLoader.load(store.config).postgres().binDir()
                : Path.of("/usr/lib/postgresql/15/bin");
        Set<String> known = knownParameters(bin);
        TreeMap<String, String> changes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String kv : set) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                problems.add("--set " + kv + ": write NAME=VALUE, e.g. work_mem=16MB");
                continue;
            }
            changes.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        for (String name : new ArrayList<>(changes.keySet())) check(name, known, problems);
        for (String name : unset) check(name, known, problems);
        if (!problems.isEmpty()) throw new UsageError(String.join("\n  ", problems));
        try (Store s = store.connect()) {
            TreeMap<String, String> params = new TreeMap<>(s.snapshot().parameters());
            params.putAll(changes);
            unset.forEach(params::remove);
            s.writeParameters(params);
            System.out.println("cluster parameters now: " + (params.isEmpty() ? "(none)" : params));
        }
        return 0;
    }

    private static void check(String name, Set<String> known, List<String> problems) {
        if (ConfigValidator.MANAGED_PARAMETERS.contains(name))
            problems.add(name + " is managed by pgha and cannot be set here");
        else if (!known.contains(name.toLowerCase()))
            problems.add(name + " is not a PostgreSQL parameter (checked against postgres --describe-config)");
    }

    /** Every parameter this PostgreSQL knows, as its own binary lists them. */
    static Set<String> knownParameters(Path bin) throws IOException, InterruptedException {
        Path postgres = bin.resolve("postgres");
        if (!Files.isExecutable(postgres))
            throw new UsageError(postgres + " is missing: pass --bin-dir with PostgreSQL's programs (apt-get install postgresql-15)");
        Process p = new ProcessBuilder(postgres.toString(), "--describe-config").redirectErrorStream(true).start();
        Set<String> names = new HashSet<>();
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) names.add(line.substring(0, tab).toLowerCase());
        }
        if (!p.waitFor(30, TimeUnit.SECONDS) || names.isEmpty())
            throw new UsageError("cannot list PostgreSQL's parameters with " + postgres + " --describe-config");
        return names;
    }
}
