#!/usr/bin/env bash
# Shared by the hack/ scripts and the bin/ launchers: find a JDK >= 21 (kubej's language level)
# and the checkout root. Sourcing it sets KUBEJ_ROOT and JAVA_HOME.
KUBEJ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KUBEJ_ROOT

# java_major <java-binary>: the feature version (17, 21, 25, ...) or nothing. The JDK's
# `release` file says it without starting a JVM; ask the JVM only when there is none.
java_major() {
  local release
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
  else
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

# find_jdk: the newest JDK >= 21 among $JAVA_HOME and /usr/lib/jvm/*
find_jdk() {
  local best="" best_v=0 home v
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
    v=$(java_major "$home/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v=$v; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

# use_jdk: export JAVA_HOME (the newest JDK >= 21) and quiet JDK 24+'s warnings about Maven's
# own libraries (guava uses sun.misc.Unsafe)
use_jdk() {
  JAVA_HOME=$(find_jdk) || return 1
  export JAVA_HOME
  if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
