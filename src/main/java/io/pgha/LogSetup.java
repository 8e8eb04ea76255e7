package io.pgha;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Logging, configured in code rather than logback.xml: the XML configurator and the XML parser it needs are
 * about 600 classes, a few megabytes of every agent's memory. {@code -Dpgha.log.level} (default INFO) and
 * {@code -Dpgha.log.target} (System.out or System.err) adjust it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final Map<String, Level> QUIETER = Map.of(
            "org.apache.zookeeper", Level.WARN,
            "org.apache.zookeeper.ClientCnxn", Level.ERROR,
            "org.apache.curator.framework.imps.CuratorFrameworkImpl", Level.OFF,
            "org.apache.curator", Level.WARN,
            "io.netty", Level.WARN,
            "org.postgresql", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(context);
        out.setName("OUT");
        out.setTarget(System.getProperty("pgha.log.target", "System.out"));
        out.setEncoder(encoder);
        out.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("pgha.log.level", "INFO"), Level.INFO));
        root.addAppender(out);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
