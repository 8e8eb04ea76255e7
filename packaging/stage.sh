#!/usr/bin/env bash
# Called by `mvn -Ppackage package` (after the jar and target/lib): lays out target/pgha-VERSION/ (the tree that
# becomes /usr/lib/pgha), with a Java runtime trimmed by jlink to the modules pgha uses, and packs it as
# target/pgha-VERSION-linux-x64.tar.gz. The .deb is built from the same tree by jdeb.
set -euo pipefail
basedir="$1" target="$2" version="$3"
: "${JAVA_HOME:?JAVA_HOME must point at a JDK with jlink (21 or newer), e.g. /usr/lib/jvm/temurin-25-jdk-amd64}"
name="pgha-$version"
tree="$target/$name"
rm -rf "$tree" "$target/$name-linux-x64.tar.gz"
mkdir -p "$tree/bin" "$tree/lib" "$tree/jvm" "$tree/systemd"

cp "$target/pgha.jar" "$target"/lib/*.jar "$tree/lib/"
for service in agent store; do
  cp "$basedir/src/main/resources/io/pgha/$service/jvm.options" "$tree/jvm/$service.options"
done
install -m 0755 "$basedir/packaging/launcher.sh" "$tree/bin/pgha"
cp "$basedir"/packaging/systemd/*.service "$tree/systemd/"
cp "$basedir/README.md" "$tree/"

# the modules the jars use (jdeps), and those they load only by name at run time
modules="$("$JAVA_HOME/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 21 -q "$tree"/lib/*.jar)"
modules="$modules,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.management,jdk.security.auth,jdk.zipfs"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$tree/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6
"$tree/runtime/bin/java" -version >/dev/null 2>&1 || { echo "stage.sh: the trimmed runtime does not start" >&2; exit 1; }

tar -C "$target" --owner=0 --group=0 --numeric-owner --sort=name -czf "$target/$name-linux-x64.tar.gz" "$name"
echo "stage.sh: $target/$name-linux-x64.tar.gz (modules: $modules)"
