package io.pgha.cli;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.harness.HarnessSetup;
import io.pgha.harness.NextSteps;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "harness", description = "Make Harness Self-Managed use this cluster: an application role on the primary,"
        + " a Kubernetes Secret and the Helm values (override-prod.yaml) pointing at one endpoint that reaches the primary.")
public final class HarnessCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "harness", description = "Harness's Kubernetes namespace (default ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--secret-name", paramLabel = "NAME", defaultValue = "postgres-secret", description = "the Secret's name (default ${DEFAULT-VALUE})")
    String secretName;

    @Option(names = "--user", paramLabel = "ROLE", defaultValue = "harness", description = "the application role (default ${DEFAULT-VALUE})")
    String user;

    @Option(names = "--endpoint", paramLabel = "HOST:PORT", description = "what Harness connects to: one name that always"
            + " reaches the primary (a load balancer over pgha's proxy port, HAProxy); default: the config's dns: record")
    String endpoint;

    @Option(names = "--rotate", description = "give the role a new password (default: keep the one in --out)")
    boolean rotate;

    @Option(names = "--own-database", paramLabel = "DB", description = "give the role this database and everything in it"
            + " (after pgha migrate copied it from Harness's bundled PostgreSQL); repeatable")
    List<String> ownDatabases = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the password, the Secret and the values go (0600 files)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = store.nodeConfig("pgha harness");
        HarnessSetup.Plan plan = HarnessSetup.plan(config, new HarnessSetup.Request(namespace, secretName, user, endpoint, rotate, out,
                ownDatabases));
        HarnessSetup.Result result;
        try (Store s = store.connect()) {
            result = HarnessSetup.run(config, s, plan);
        }
        PrintWriter o = spec.commandLine().getOut();
        NextSteps.lines(result).forEach(o::println);
        o.flush();
        return 0;
    }
}
