#!/usr/bin/env bash
# npm run bench [-- --quick]: the local servers, a build, then the benchmarks (bench/main.ts).
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

ensure_packages
ensure_servers
build
cd "$root"
exec node --import tsx bench/main.ts "$@"
