package io.pgha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgha.dcs.Store;
import io.pgha.ha.ClusterReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Show the cluster's members, roles, states, timelines and lag.")
public final class ListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = {"-o", "--output"}, description = "table (default) or json", defaultValue = "table")
    String output;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json"))
            throw new UsageError("-o must be table or json, not '" + output + "'");
        try (Store s = store.connect()) {
            var view = s.snapshot();
            ClusterReport report = ClusterReport.of(store.clusterName(), view);
            System.out.print(output.equals("json") ? JSON.writeValueAsString(report) + "\n" : ClusterTable.render(report));
            if (output.equals("table")) AgentClient.backupWarnings(view).forEach(w -> System.out.println("WARNING: " + w));
        }
        return 0;
    }
}
