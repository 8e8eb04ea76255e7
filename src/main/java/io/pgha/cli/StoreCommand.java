package io.pgha.cli;

import io.pgha.LogSetup;
import io.pgha.agent.StoreProcess;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "store", description = "Run this node's ZooKeeper peer (the embedded store) in a process of its own,"
        + " beside the agent: it outlives the agent's crashes, freezes and restarts.")
public final class StoreCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the node's YAML config (the agent's)")
    Path config;

    @Override
    public Integer call() throws Exception {
        NodeConfig c = ConfigLoader.load(config);
        StoreProcess.check(c);
        StoreProcess.logFile(c).ifPresent(f -> LogSetup.toFile(f, c.agentLog().fileSizeBytes(), c.agentLog().files()));
        new StoreProcess(c).run();
        return 0;
    }
}
