#!/usr/bin/env bash
# The README's second command (and what CI runs): install and build what is missing, then run
# every module's tests, unit and integration, against the real components.
set -euo pipefail
"$(dirname "$0")/setup.sh" --no-build
. "$(dirname "$0")/lib.sh"
use_jdk
step "running the test suite (mvn verify)"
cd "$KUBEJ_ROOT"
# verify builds every module, then runs its unit tests (surefire) and, once its jar is built,
# its integration tests (failsafe); conformance/ runs last, against a whole cluster.
exec mvn -B -ntp verify "$@"
