# Sourced by ./mvnw and ./hearth: makes JAVA_HOME point at a JDK 25 (or newer).
# Order: $JAVA_HOME if it is 25+, then the usual install directories, then `java` on PATH.
hearth_java_version() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
hearth_find_jdk25() {
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
      "$(command -v java >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; do
    [ -n "$candidate" ] || continue
    v=$(hearth_java_version "$candidate")
    case "$v" in ''|1.*|[0-9]|1[0-9]|2[0-4]) continue ;; esac
    printf '%s\n' "$candidate"
    return 0
  done
  return 1
}
if HEARTH_JDK=$(hearth_find_jdk25); then
  JAVA_HOME=$HEARTH_JDK
  export JAVA_HOME
else
  echo "hearth: no JDK 25 found. Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), /usr/lib/jvm, /usr/java, /opt/java, /opt/jdk*, ~/.sdkman and java on PATH." >&2
  echo "hearth: install a JDK 25 (for example Temurin 25) and/or set JAVA_HOME to it." >&2
  exit 1
fi
