package io.pgha.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's programs. When the agent runs as root they run as the data directory's OS user
 * (PostgreSQL refuses root). Arguments never carry secrets: passwords go through 0600 files.
 */
public final class OsCommand {
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final String osUser;
    private final Path workDir;

    public OsCommand(String osUser, Path workDir) {
        this.osUser = osUser;
        this.workDir = workDir;
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * A process for {@code command} as the OS user, in a clean environment; {@code newSession} detaches
     * it from the agent's terminal and process group (a Ctrl-C meant for the agent must not reach it).
     */
    public ProcessBuilder builder(List<String> command, boolean newSession) {
        List<String> full = new ArrayList<>();
        if (newSession) full.add("setsid");
        if (runningAsRoot() && !"root".equals(osUser)) {
            full.addAll(List.of("setpriv", "--reuid=" + osUser, "--regid=" + osUser, "--init-groups", "--"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (workDir != null) pb.directory(workDir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("LC_MESSAGES", "C");
        return pb;
    }

    public Result run(List<String> command, long timeoutMillis) throws IOException {
        Process p = builder(command, false).start();
        p.getOutputStream().close();
        var buffer = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(buffer);
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        });
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutMillis + "ms: " + String.join(" ", command));
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        byte[] out = buffer.toByteArray();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
    }
}
