package io.pgha.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pgha as an earlier commit of this repository built it: the commit's tree ({@code git archive}, the repository is
 * not touched), compiled with Maven against its own pom (offline when its dependencies are cached, as they are after
 * this build's own), cached under {@code target/previous-build/<commit>}.
 * The commit is {@link #DEFAULT_COMMIT} (the last one before store formats), or {@code -Dpgha.previousBuild=<ref>}.
 */
public final class PreviousBuild {
    /**
     * The last commit before the store format existed (main just before the format was merged, etcd on the HTTP client
     * already): its agents write no format key and publish none, and it needs no dependency this build lacks.
     */
    public static final String DEFAULT_COMMIT = "5fe5ca3d819ac9c1e480ce1e93abbc7d91e1a356";
    static final long BUILD_MINUTES = 5;

    private final String commit;
    private final Path dir;

    private PreviousBuild(String commit, Path dir) {
        this.commit = commit;
        this.dir = dir;
    }

    public static PreviousBuild ofDefaultCommit() throws IOException, InterruptedException {
        String ref = System.getProperty("pgha.previousBuild", DEFAULT_COMMIT);
        String commit = run(Path.of("."), List.of("git", "rev-parse", "--verify", "--quiet", ref + "^{commit}"),
                "the previous build's commit " + ref + " is not in this clone (a shallow clone? git fetch --unshallow)").strip();
        Path dir = Path.of("target", "previous-build", commit).toAbsolutePath();
        PreviousBuild build = new PreviousBuild(commit, dir);
        if (!Files.isRegularFile(build.classpathFile())) build.build();
        return build;
    }

    public String commit() {
        return commit;
    }

    /** {@code thisBuild}'s java command (the JVM and its options) with this build's classes and dependencies instead. */
    public List<String> javaCommand(List<String> thisBuild) throws IOException {
        int cp = thisBuild.indexOf("-cp");
        if (cp < 0) throw new IllegalArgumentException("no -cp in " + thisBuild);
        List<String> cmd = new ArrayList<>(thisBuild);
        cmd.set(cp + 1, dir.resolve("target/classes") + File.pathSeparator + Files.readString(classpathFile()).strip());
        return cmd;
    }

    private Path classpathFile() {
        return dir.resolve("classpath.txt");
    }

    /** Into a scratch directory first, moved into place only once complete: an interrupted build is never reused. */
    private void build() throws IOException, InterruptedException {
        Files.createDirectories(dir.getParent());
        Path scratch = Files.createTempDirectory(dir.getParent(), "building-");
        Path tar = scratch.resolve("tree.tar");
        run(Path.of("."), List.of("git", "archive", "--format=tar", "-o", tar.toString(), commit), "git archive " + commit);
        run(scratch, List.of("tar", "-xf", tar.toString()), "unpacking " + commit);
        Files.delete(tar);
        run(scratch, List.of("mvn", "-q", "-B", "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath", "-Dmdep.outputFile=classpath.txt"),
                "building " + commit + " (mvn compile in " + scratch + ")");
        Files.move(scratch, dir);
    }

    private static String run(Path in, List<String> cmd, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pgha-previous-build-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(in.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            // the JDK running the tests builds it too: Maven needs one that knows release 21
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(what + ": not done within " + BUILD_MINUTES + " minutes");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new IOException(what + " failed (exit " + p.exitValue() + "): " + text.strip());
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
