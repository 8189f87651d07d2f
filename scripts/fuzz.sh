#!/usr/bin/env bash
# npm run fuzz [-- --ci]: schemathesis against the gateway's OpenAPI document with logged-in sessions
# (test/fuzz/main.ts starts the platform and runs it). Without --ci a long run; --ci is the bounded run
# that npm test makes (test/fuzz.test.ts, which sets FUZZ_SKIP_BUILD because npm test has just built).
# schemathesis comes from PyPI into a virtualenv of its own under the cache, made once (again when
# test/fuzz/requirements.txt changes): schemathesis 4.32.5 and every package under it pinned, so that a
# new release of one of them cannot change what CI tries.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

requirements="$root/test/fuzz/requirements.txt"
venv="$cache/venv"

# A fresh Debian has python3 but not always its venv module (python3-venv).
make_venv() {
  rm -rf "$venv"
  if python3 -m venv "$venv" >/dev/null 2>&1; then return; fi
  apt_install python3 python3-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
}

ensure_schemathesis() {
  mkdir -p "$cache"
  # Two runs at once (npm test and npm run fuzz) must not build the same virtualenv together.
  exec 9>"$cache/venv.lock"
  flock 9
  local stamp="$venv/requirements.sha256" wanted
  wanted=$(sha256sum < "$requirements")
  if [ ! -x "$venv/bin/schemathesis" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "installing schemathesis into $venv" >&2
    make_venv
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
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
