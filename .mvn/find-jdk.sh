# Sourced by ./mvnw, ./ordo and .ci/run: makes JAVA_HOME point at a JDK >= 21.
# Order: JAVA_HOME if new enough, then `java` on PATH, then the newest JDK under
# the system's JVM directories. Ordo targets Java 21; many machines default to 17.
ordo_java_major() {
  # the JDK's release file names its version without starting a JVM (~0.1 s per ./ordo run)
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
  if [ -n "$v" ] && [ "$v" != 1 ]; then echo "$v"; return 0; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
ordo_find_jdk() {
  local min=21 cand best="" bestv=0 v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(ordo_java_major "$JAVA_HOME"); [ "${v:-0}" -ge "$min" ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(ordo_java_major "$cand"); [ "${v:-0}" -ge "$min" ] && { export JAVA_HOME="$cand"; return 0; }
  fi
  for cand in /usr/lib/jvm/* /usr/java/* /opt/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$cand/bin/javac" ] || continue
    v=$(ordo_java_major "$cand")
    if [ "${v:-0}" -ge "$min" ] && [ "$v" -gt "$bestv" ]; then best=$cand; bestv=$v; fi
  done
  if [ -n "$best" ]; then export JAVA_HOME="$best"; return 0; fi
  echo "ordo: no JDK >= $min found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  return 1
}
ordo_find_jdk || exit 1
