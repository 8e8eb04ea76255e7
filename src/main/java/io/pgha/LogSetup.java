package io.pgha;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Logging, configured in code rather than logback.xml: the XML configurator and the XML parser it needs are
 * about 600 classes, a few megabytes of every agent's memory. {@code -Dpgha.log.level} (default INFO) and
 * {@code -Dpgha.log.target} (System.out or System.err) adjust it; {@link #toFile} moves it to a size-capped file.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final Map<String, Level> QUIETER = Map.of(
            "org.apache.zookeeper", Level.WARN,
            "org.apache.zookeeper.ClientCnxn", Level.ERROR,
            "org.apache.curator.framework.imps.CuratorFrameworkImpl", Level.OFF,
            "org.apache.curator", Level.WARN,
            "io.netty", Level.WARN,
            "org.postgresql", Level.WARN);

    private static final String CONSOLE = "OUT";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(context);
        out.setName(CONSOLE);
        out.setTarget(System.getProperty("pgha.log.target", "System.out"));
        out.setEncoder(encoder(context, "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n"));
        out.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("pgha.log.level", "INFO"), Level.INFO));
        root.addAppender(out);
        QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * From now on the agent logs to {@code file} instead of standard output: rolled at {@code fileSize} into
     * {@code file.1} .. {@code file.(files-1)}, the oldest dropped, so it never takes more than {@code files × fileSize}.
     */
    public static void toFile(Path file, long fileSize, int files) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setEncoder(encoder(context, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n"));
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(context);
        window.setParent(appender);
        window.setFileNamePattern(file + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(files - 1);
        window.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(fileSize));
        // logback checks the size once a minute by default: a burst could overrun the cap meanwhile
        size.setCheckIncrement(Duration.buildByMilliseconds(0));
        size.start();
        appender.setRollingPolicy(window);
        appender.setTriggeringPolicy(size);
        appender.start();
        if (!appender.isStarted())
            throw new IllegalStateException("agent_log.file: cannot write " + file + " (does its directory exist, writable by this user?)");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.detachAppender(CONSOLE);
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
