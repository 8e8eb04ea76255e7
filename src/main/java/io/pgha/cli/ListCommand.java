package io.pgha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pgha.dcs.Store;
import io.pgha.dcs.StoreException;
import io.pgha.ha.ClusterReport;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Show the cluster's members, roles, states, timelines and lag.")
public final class ListCommand implements Callable<Integer> {
    /** Home the cursor and clear the screen, as watch(1) does between refreshes. */
    static final String CLEAR = "\033[H\033[2J";

    @Mixin
    StoreOptions store;

    @Option(names = {"-o", "--output"}, description = "table (default) or json", defaultValue = "table")
    String output;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "2", paramLabel = "SECONDS",
            description = "Refresh in place every SECONDS (default 2) until Ctrl-C, like watch(1).")
    Integer watch;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json"))
            throw new UsageError("-o must be table or json, not '" + output + "'");
        if (watch != null && watch <= 0)
            throw new UsageError("--watch needs a whole number of seconds above 0 between refreshes, not " + watch
                    + " (e.g. --watch 2)");
        String cluster = store.clusterName();
        try (Store s = store.connect()) {
            if (watch == null) {
                print(s, cluster);
                return 0;
            }
            watch(s, cluster);
        }
        return 0;
    }

    /** Until Ctrl-C: a store that stops answering is said on screen and read again at the next refresh. */
    private void watch(Store s, String cluster) throws InterruptedException {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        while (true) {
            System.out.print(CLEAR);
            System.out.println("Every " + watch + "s: pgha list " + cluster + "    "
                    + LocalDateTime.now().format(time) + "\n");
            try {
                print(s, cluster);
            } catch (StoreException | RuntimeException | java.io.IOException e) {
                System.out.println("cannot read the cluster from the store: " + e.getMessage());
            }
            System.out.flush();
            Thread.sleep(watch * 1000L);
        }
    }

    private void print(Store s, String cluster) throws StoreException, java.io.IOException {
        var view = s.snapshot();
        ClusterReport report = ClusterReport.of(cluster, view);
        System.out.print(output.equals("json") ? JSON.writeValueAsString(report) + "\n" : ClusterTable.render(report));
        if (output.equals("table")) AgentClient.backupWarnings(view).forEach(w -> System.out.println("WARNING: " + w));
    }
}
