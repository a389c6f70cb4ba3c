# Sourced by ./ferry and .ci/run: sets JAVA_HOME to a JDK 21 or later.
# Takes JAVA_HOME when it already is one, otherwise the newest suitable JDK under /usr/lib/jvm.
# The feature version of the JDK in $1 (25 for 25.0.3), from its release file: no JVM started
# (javac -version costs 0.2 s a command); empty when the file does not say.
ferry_jdk_version() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true
}
ferry_pick_jdk() {
  for d in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    d=${d%/}
    [ -n "$d" ] && [ -x "$d/bin/javac" ] || continue
    v=$(ferry_jdk_version "$d")
    [ -n "$v" ] || v=$("$d/bin/javac" -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')
    if [ "$v" -ge 21 ] 2>/dev/null; then
      echo "$d"
      return 0
    fi
  done
  return 1
}
JAVA_HOME=$(ferry_pick_jdk) || { echo "ferry: no JDK 21 or later found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 1; }
PATH="$JAVA_HOME/bin:$PATH"
export JAVA_HOME PATH
