package io.pgha.init;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The units under packaging/systemd pass {@code systemd-analyze verify} against a root holding this machine's
 * systemd units and a stand-in {@code /usr/bin/pgha} (verify checks that ExecStart's program exists), and say what
 * the package and {@code pgha init} rely on.
 */
class SystemdUnitsTest {
    static final Path UNITS = Path.of("packaging/systemd");
    private static final List<String> SANDBOX = List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
            "PrivateTmp=yes", "StateDirectory=pgha");

    @TempDir
    Path root;

    @Test
    void systemdAnalyzeVerifyAcceptsBothUnitsWithoutAWarning() throws Exception {
        Path system = root.resolve("usr/lib/systemd/system");
        copyTree(Path.of("/usr/lib/systemd/system"), system);
        Path etc = Files.createDirectories(root.resolve("etc/systemd/system"));
        for (String unit : units()) Files.copy(UNITS.resolve(unit), etc.resolve(unit));
        Path pgha = Files.createDirectories(root.resolve("usr/bin")).resolve("pgha");
        Files.writeString(pgha, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(pgha, PosixFilePermissions.fromString("rwxr-xr-x"));

        Verify v = verify(units());
        assertThat(v.exit()).as(v.output()).isZero();
        // verify exits 0 on unknown keys and unparsable values, but prints them
        assertThat(v.output()).isEmpty();

        Files.writeString(etc.resolve(units().get(0)), Files.readString(etc.resolve(units().get(0)))
                .replace("ProtectSystem=strict", "ProtectSytem=strict"));
        assertThat(verify(units()).output()).as("a misspelled key is reported").contains("Unknown key 'ProtectSytem'");
        Files.delete(pgha);
        assertThat(verify(units()).exit()).as("a missing ExecStart program fails").isNotZero();
    }

    @Test
    void bothUnitsRunAsPostgresSandboxedAndRestartOnFailure() throws IOException {
        for (String unit : units()) {
            String text = Files.readString(UNITS.resolve(unit));
            String command = unit.equals(TargetPaths.AGENT_UNIT + ".service") ? "agent" : "store";
            assertThat(text).as(unit).contains("User=postgres", "Group=postgres", "Restart=on-failure",
                    "Wants=network-online.target", "KillSignal=SIGTERM", "TimeoutStopSec=",
                    "ExecStart=/usr/bin/pgha " + command + " -c " + TargetPaths.CONFIG_FILE, "WantedBy=multi-user.target");
            assertThat(text).as(unit).contains(SANDBOX);
            assertThat(text).as(unit).containsPattern("(?m)^After=network-online.target");
        }
        assertThat(Files.readString(UNITS.resolve(TargetPaths.AGENT_UNIT + ".service")))
                .as("SIGTERM to the agent alone: it stops PostgreSQL itself").contains("KillMode=mixed");
    }

    private static List<String> units() {
        return List.of(TargetPaths.AGENT_UNIT + ".service", TargetPaths.STORE_UNIT + ".service");
    }

    record Verify(int exit, String output) {}

    private Verify verify(List<String> units) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of("/usr/bin/systemd-analyze", "verify", "--root=" + root), units.stream()).toList();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Verify(p.exitValue(), output.strip());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
