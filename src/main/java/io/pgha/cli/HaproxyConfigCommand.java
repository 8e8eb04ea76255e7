package io.pgha.cli;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.routing.HaproxyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "haproxy-config", description = "Print an HAProxy config for this cluster: a read-write port checking"
        + " /primary and a read-only port checking /replica on every member's REST API.")
public final class HaproxyConfigCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--read-write-port", defaultValue = "5000", description = "HAProxy's read-write port (default ${DEFAULT-VALUE})")
    int readWritePort;

    @Option(names = "--read-only-port", defaultValue = "5001", description = "HAProxy's read-only port (default ${DEFAULT-VALUE})")
    int readOnlyPort;

    @Override
    public Integer call() throws Exception {
        if (readWritePort == readOnlyPort) throw new UsageError("--read-write-port and --read-only-port must differ");
        for (int p : new int[] {readWritePort, readOnlyPort})
            if (p < 1 || p > 65535) throw new UsageError(p + " is not a TCP port (1-65535)");
        try (Store s = store.connect()) {
            ClusterSnapshot c = s.snapshot();
            List<HaproxyConfig.Node> nodes = new ArrayList<>();
            for (Member m : c.members().values()) nodes.add(HaproxyConfig.Node.of(m));
            if (nodes.isEmpty()) throw new UsageError("cluster " + store.clusterName() + " has no members yet: start the agents first");
            System.out.print(HaproxyConfig.render(store.clusterName(), nodes, readWritePort, readOnlyPort));
        }
        return 0;
    }
}
