package io.pgha.init;

import io.pgha.config.ConfigException;
import io.pgha.config.ConfigLoader;
import io.pgha.security.GeneratedSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code out/secrets/} (the cluster's secrets, kept across runs) and one folder per node holding its pgha.yaml
 * and a copy of every secret, all owner-only. Existing secrets are kept unless rotation was asked for.
 */
public final class InitWriter {
    static final String SECRETS_DIR = "secrets";
    static final String DNS_KEY_FILE = "named-key.conf";

    private final ClusterPlan plan;
    private final Path out;
    private final boolean rotate;

    public InitWriter(ClusterPlan plan, Path out, boolean rotate) {
        this.plan = plan;
        this.out = out;
        this.rotate = rotate;
    }

    /** What a run did: the secrets it generated (the others were kept from an earlier run). */
    public record Result(ClusterPlan plan, Path out, List<String> generated, List<String> kept) {}

    public Result write() throws IOException {
        Map<SecretKind, String> secrets = new EnumMap<>(SecretKind.class);
        List<String> generated = new ArrayList<>(), kept = new ArrayList<>();
        for (SecretKind kind : kinds()) {
            Path master = secretsDir().resolve(kind.file);
            boolean keep = !rotate && Files.exists(master);
            secrets.put(kind, keep ? GeneratedSecret.read(master) : kind.generator.get());
            (keep ? kept : generated).add(kind.file);
        }
        refuseDivergentCopies(secrets);
        Map<ClusterPlan.Node, String> yaml = new java.util.LinkedHashMap<>();
        for (var node : plan.nodes()) yaml.put(node, selfChecked(NodeYaml.render(plan, node)));

        ownerOnlyDirectory(out);
        ownerOnlyDirectory(secretsDir());
        for (var e : secrets.entrySet())
            if (generated.contains(e.getKey().file)) GeneratedSecret.write(secretsDir().resolve(e.getKey().file), e.getValue());
        if (plan.dns() != null) GeneratedSecret.writeOwnerOnly(secretsDir().resolve(DNS_KEY_FILE), namedKey(secrets.get(SecretKind.TSIG_SECRET)));
        for (var node : plan.nodes()) {
            Path dir = nodeDir(node);
            ownerOnlyDirectory(dir);
            for (var e : secrets.entrySet()) GeneratedSecret.write(dir.resolve(e.getKey().file), e.getValue());
            GeneratedSecret.writeOwnerOnly(dir.resolve("pgha.yaml"), yaml.get(node));
        }
        return new Result(plan, out, List.copyOf(generated), List.copyOf(kept));
    }

    private List<SecretKind> kinds() {
        return java.util.Arrays.stream(SecretKind.values()).filter(k -> k != SecretKind.TSIG_SECRET || plan.dns() != null).toList();
    }

    /** A node's copy that differs from the cluster's secret was changed by hand: never overwritten silently. */
    private void refuseDivergentCopies(Map<SecretKind, String> secrets) throws IOException {
        if (rotate) return;
        List<String> problems = new ArrayList<>();
        for (var node : plan.nodes()) {
            for (var e : secrets.entrySet()) {
                Path copy = nodeDir(node).resolve(e.getKey().file);
                if (Files.exists(copy) && !GeneratedSecret.read(copy).equals(e.getValue()))
                    problems.add(copy + " differs from " + secretsDir().resolve(e.getKey().file) + " (the cluster's): copy the one"
                            + " the cluster uses over the other, or pass --rotate-secrets to replace both with new ones");
            }
        }
        if (!problems.isEmpty()) throw new InitRefused(String.join("\n", problems));
    }

    /** Every file written must be one the agent accepts; a refusal here is a bug in pgha init, not in the input. */
    private static String selfChecked(String yaml) {
        try {
            ConfigLoader.parse(yaml, Path.of(TargetPaths.CONFIG_FILE));
            return yaml;
        } catch (ConfigException e) {
            throw new IllegalStateException("pgha init wrote a config the agent refuses: " + e.getMessage() + "\n" + yaml, e);
        }
    }

    private String namedKey(String secret) {
        var dns = plan.dns();
        return "// for " + dns.server() + "'s named.conf: the key pgha signs its updates of " + dns.record() + "." + dns.zone() + " with\n"
                + "key \"" + dns.keyName() + "\" {\n    algorithm hmac-sha256;\n    secret \"" + secret + "\";\n};\n"
                + "// and in zone \"" + dns.zone() + "\": update-policy { grant " + dns.keyName() + " name " + dns.record() + "."
                + dns.zone() + ". A AAAA CNAME; };\n";
    }

    Path secretsDir() {
        return out.resolve(SECRETS_DIR);
    }

    Path nodeDir(ClusterPlan.Node node) {
        return out.resolve(node.name());
    }

    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
