# Sourced by ./pgha and ./test: sets JAVA to a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm, then PATH),
# and says how to run Maven on it without Maven's own noise.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

find_java() {
  local candidates=() best="" best_v=0 v j
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for d in /usr/lib/jvm/*/; do candidates+=("${d}bin/java"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for j in "${candidates[@]}"; do
    [ -x "$j" ] || continue
    v=$(java_major "$j" || echo 0)
    # JAVA_HOME wins when it is new enough; otherwise the newest JDK found
    if [ "${v:-0}" -ge 21 ] && { [ "$j" = "${JAVA_HOME:-}/bin/java" ] || [ "$v" -gt "$best_v" ]; }; then
      best="$j"; best_v=$v
      [ "$j" = "${JAVA_HOME:-}/bin/java" ] && break
    fi
  done
  if [ -z "$best" ]; then
    echo "pgha: needs a JDK 21 or newer; none found in JAVA_HOME, /usr/lib/jvm or PATH." >&2
    echo "      Install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
    return 3
  fi
  JAVA="$best"
  JAVA_MAJOR_FOUND=$best_v
  JAVA_HOME_FOUND="$(dirname "$(dirname "$(readlink -f "$best")")")"
}

# MAVEN_OPTS for Maven on the JDK found: Maven's guava warns about sun.misc.Unsafe on JDK 24+, and Maven 3.8's
# jansi prints colour resets even in batch mode; neither says anything about pgha.
maven_opts() {
  local opts="-Djansi.noreset=true"
  [ "${JAVA_MAJOR_FOUND:-0}" -ge 24 ] && opts="--sun-misc-unsafe-memory-access=allow $opts"
  echo "${MAVEN_OPTS:+$MAVEN_OPTS }$opts"
}
