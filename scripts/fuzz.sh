#!/usr/bin/env bash
# npm run fuzz [-- --ci]: schemathesis against the gateway's OpenAPI document with logged-in sessions
# (test/fuzz/main.ts starts the platform and runs it). Without --ci a long run; --ci is the bounded run
# that npm test makes (test/fuzz.test.ts, which sets FUZZ_SKIP_BUILD because npm test has just built).
# schemathesis comes from PyPI, pinned, into a virtualenv of its own under the cache, made once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

schemathesis_version=4.32.5
venv="$cache/venv"

# A fresh Debian has python3 but not always its venv module (python3-venv).
make_venv() {
  rm -rf "$venv"
  if python3 -m venv "$venv" >/dev/null 2>&1; then return; fi
  echo "installing python3-venv" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  rm -rf "$venv"
  python3 -m venv "$venv"
}

ensure_schemathesis() {
  mkdir -p "$cache"
  # Two runs at once (npm test and npm run fuzz) must not build the same virtualenv together.
  exec 9>"$cache/venv.lock"
  flock 9
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "version $schemathesis_version"; then
    echo "installing schemathesis $schemathesis_version into $venv" >&2
    make_venv
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
  fi
  flock -u 9
}

if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then
  ensure_packages
  build
fi
ensure_servers
ensure_schemathesis
cd "$root"
SCHEMATHESIS_BIN="$venv/bin/schemathesis" exec node --import tsx test/fuzz/main.ts "$@"
