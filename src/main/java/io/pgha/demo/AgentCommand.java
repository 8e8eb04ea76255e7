package io.pgha.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The java command line that starts a {@code pgha agent} (or {@code pgha store}) process: this JVM's binary,
 * classpath and small-footprint options.
 */
final class AgentCommand {
    static final List<String> JVM_OPTIONS = jvmOptions("agent");
    static final List<String> STORE_JVM_OPTIONS = jvmOptions("store");

    private AgentCommand() {
    }

    private static List<String> jvmOptions(String role) {
        String resource = "io/pgha/" + role + "/jvm.options";
        try (var in = AgentCommand.class.getResourceAsStream("/" + resource)) {
            if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> fromThisClasspath() {
        return forClasspath(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    }

    /** Copies this JVM's jars into {@code libDir} and returns the command that starts agents from there. */
    static List<String> fromPrivateCopy(Path libDir) throws IOException {
        Files.createDirectories(libDir);
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = libDir.resolve(p.getFileName());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return forClasspath(String.join(File.pathSeparator, entries));
    }

    /**
     * The store's command from an agent's: the same java and classpath with the store's JVM options; a command of
     * another shape (no {@code -cp}) is used as it is.
     */
    static List<String> forStore(List<String> agentCommand) {
        int cp = agentCommand.indexOf("-cp");
        if (cp < 1) return agentCommand;
        List<String> cmd = new ArrayList<>(List.of(agentCommand.get(0)));
        String opts = System.getenv("PGHA_STORE_JAVA_OPTS");
        cmd.addAll(opts != null && !opts.isBlank() ? List.of(opts.trim().split("\\s+")) : STORE_JVM_OPTIONS);
        cmd.addAll(agentCommand.subList(cp, agentCommand.size()));
        return cmd;
    }

    private static List<String> forClasspath(String cp) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        String opts = System.getenv("PGHA_AGENT_JAVA_OPTS");
        cmd.addAll(opts != null && !opts.isBlank() ? List.of(opts.trim().split("\\s+")) : JVM_OPTIONS);
        cmd.addAll(List.of("-cp", cp, "io.pgha.Main"));
        return cmd;
    }
}
