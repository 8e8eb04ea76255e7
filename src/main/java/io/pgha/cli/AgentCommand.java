package io.pgha.cli;

import io.pgha.LogSetup;
import io.pgha.agent.Agent;
import io.pgha.agent.StartupChecks;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", description = "Run this node's agent: it manages the local PostgreSQL and takes part in the cluster.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the node's YAML config")
    Path config;

    @Override
    public Integer call() throws Exception {
        NodeConfig c = ConfigLoader.load(config);
        StartupChecks.check(c);
        if (c.agentLog().file() != null) LogSetup.toFile(c.agentLog().file(), c.agentLog().fileSizeBytes(), c.agentLog().files());
        if (c.postgres().allowedClientCidrs().stream().anyMatch(x -> x.isEverything()))
            LoggerFactory.getLogger(AgentCommand.class).warn("postgres.allowed_client_cidrs opens PostgreSQL to every"
                    + " address (a /0 range): make sure a firewall stands in front of it");
        new Agent(c).run();
        return 0;
    }
}
