#!/usr/bin/env bash
# The README's first command: install and build what is missing, then bring up kubej.
set -euo pipefail
"$(dirname "$0")/setup.sh"
exec "$(dirname "$0")/../bin/kubej" up "$@"
