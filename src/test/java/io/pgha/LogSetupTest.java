package io.pgha;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogSetupTest {
    @Test
    void theAgentsLogFileIsRolledAndCapped(@TempDir Path tmp) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> console = root.getAppender("OUT");
        Path file = tmp.resolve("logs").resolve("agent.log");
        try {
            LogSetup.toFile(file, 2048, 3);
            org.slf4j.Logger log = LoggerFactory.getLogger(LogSetupTest.class);
            for (int i = 0; i < 500; i++) log.info("a burst of agent log lines, line {} of 500, each about a hundred bytes", i);

            List<String> names;
            long total;
            try (Stream<Path> s = Files.list(file.getParent())) {
                List<Path> files = s.toList();
                names = files.stream().map(p -> p.getFileName().toString()).sorted().toList();
                total = files.stream().mapToLong(p -> p.toFile().length()).sum();
            }
            assertThat(names).containsExactly("agent.log", "agent.log.1", "agent.log.2");
            // a file rolls once it has passed the size: at most one line over
            assertThat(total).isLessThanOrEqualTo(3 * (2048 + 200));
            assertThat(Files.readString(file)).contains("line 499 of 500");
            assertThat(root.getAppender("OUT")).as("standard output no longer gets the log").isNull();
        } finally {
            Appender<ILoggingEvent> fileAppender = root.getAppender("FILE");
            if (fileAppender != null) {
                root.detachAppender(fileAppender);
                fileAppender.stop();
            }
            if (console != null && root.getAppender("OUT") == null) root.addAppender(console);
        }
    }
}
