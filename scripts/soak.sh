#!/usr/bin/env bash
# npm run soak: the local servers, a build, then five minutes of mixed load (bench/soak.ts; SOAK_SECONDS
# and the other SOAK_* variables it documents change that). Not part of npm test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_packages
ensure_servers
build
cd "$root"
exec node --import tsx bench/soak.ts "$@"
