#!/usr/bin/env bash
# npm test: installs packages, starts the real local servers, builds, then runs every test file
# (unit, route and integration suites) with node's test runner. Extra arguments go to node --test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_packages
ensure_servers
build
(cd "$root" && npx tsc -p tsconfig.tests.json)

cd "$root"
mapfile -t files < <(find libs services test -path '*/node_modules' -prune -o -path '*/dist' -prune -o -name '*.test.ts' -print | sort)
echo "running ${#files[@]} test files" >&2
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout="${TEST_TIMEOUT_MS:-300000}" "$@" "${files[@]}"
