# Sourced by .ci/run and ./griddle: finds a JDK 21+ (JAVA_HOME if it is one, else the newest
# under the usual install places) and exports JAVA_HOME. Exits with a message when there is none.

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 dir v
  for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$dir/bin/javac" ] || continue
    v=$(java_major "$dir" 2>/dev/null || echo 0)
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$dir"; best_v="$v"; fi
  done
  [ -n "$best" ] || { echo "No JDK 21+ found: install one (e.g. Temurin 21) or set JAVA_HOME" >&2; exit 1; }
  echo "$best"
}

JAVA_HOME="$(pick_jdk)" || exit 1
export JAVA_HOME
JAVA_MAJOR="$(java_major "$JAVA_HOME")"
