#!/usr/bin/env bash
# Installs what kubej needs on a fresh Debian/Ubuntu machine (as root) and builds it.
# Idempotent: a second run checks, installs nothing new, and rebuilds only if sources changed.
# --no-build: install and check only (hack/test.sh builds as part of `mvn verify`).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build=1
[ "${1:-}" = "--no-build" ] && build=0

# The real components kubej drives, all from Debian packages (see ../shared/ENVIRONMENT.md).
PACKAGES=(etcd-server etcd-client containerd runc containernetworking-plugins iptables conntrack
  ipset socat iproute2 busybox-static docker-registry skopeo openssl maven curl ca-certificates
  dropbear-bin gcc libc6-dev kmod)

step "checking OS packages"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# kubectl: the machine's own (newer) one is kept; Debian's 1.20 only when there is none
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian starts these as services on install; kubej runs its own instances, so stop the
# system ones (their default ports would collide with a cluster's).
for svc in etcd containerd docker-registry; do
  if systemctl is-active --quiet "$svc" 2>/dev/null; then
    step "stopping the system's own $svc service (kubej runs its own)"
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done

step "locating a JDK >= 21"
if ! use_jdk; then
  echo "kubej needs a JDK >= 21 (none in \$JAVA_HOME or /usr/lib/jvm); install one and set JAVA_HOME" >&2
  exit 1
fi
echo "JAVA_HOME=$JAVA_HOME"

# Build only when a source is newer than the last build's stamp.
stamp="$KUBEJ_ROOT/.build-stamp"
if [ "$build" = 0 ]; then
  :
elif [ -f "$stamp" ] && [ -z "$(find "$KUBEJ_ROOT" -path "$KUBEJ_ROOT/.git" -prune -o \
     \( -name '*.java' -o -name 'pom.xml' -o -name '*.proto' -o -path '*/src/main/resources/*' \) \
     -newer "$stamp" -print -quit)" ]; then
  step "build is up to date"
else
  step "building kubej (mvn package, one line per module)"
  # show each module as it starts, and every error; pipefail keeps Maven's exit status
  (cd "$KUBEJ_ROOT" && mvn -B -ntp -DskipTests package \
    | grep --line-buffered -E '^\[INFO\] (Building |BUILD )|^\[ERROR\]')
  touch "$stamp"
fi
