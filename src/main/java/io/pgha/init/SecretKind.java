package io.pgha.init;

import io.pgha.security.GeneratedSecret;
import java.util.function.Supplier;

/** Every secret a node gets from {@code pgha init}, with the file it lives in (in the node's folder and in /etc/pgha). */
enum SecretKind {
    SUPERUSER_PASSWORD("superuser.password", GeneratedSecret::hex),
    REPLICATION_PASSWORD("replication.password", GeneratedSecret::hex),
    // the application's role (Harness): not read by the agent yet, generated so every node holds the same one
    APPLICATION_PASSWORD("application.password", GeneratedSecret::hex),
    API_TOKEN("api.token", GeneratedSecret::hex),
    TSIG_SECRET("tsig.secret", GeneratedSecret::base64);

    final String file;
    final Supplier<String> generator;

    SecretKind(String file, Supplier<String> generator) {
        this.file = file;
        this.generator = generator;
    }

    String targetPath() {
        return TargetPaths.CONFIG_DIR + "/" + file;
    }
}
