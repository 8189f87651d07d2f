#!/usr/bin/env bash
# npm start: installs packages, starts the real local servers, builds, then runs users, releases and the
# gateway (http://127.0.0.1:${GATEWAY_PORT:-8080}) until Ctrl-C or SIGTERM, which stops all three gracefully.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_packages
ensure_servers
ensure_local_secrets
build

gateway_port=${GATEWAY_PORT:-8080}
users_port=${USERS_PORT:-8081}
releases_port=${RELEASES_PORT:-8082}
export USERS_URL="http://127.0.0.1:$users_port" RELEASES_URL="http://127.0.0.1:$releases_port"
# Local runs talk to the local test cluster; production leaves loopback and private ranges refused.
export CLUSTER_ADDRESS_ALLOWLIST="${CLUSTER_ADDRESS_ALLOWLIST:-127.0.0.1/32}"
export COOKIE_SECURE="${COOKIE_SECURE:-false}"

pids=()
stop_all() {
  trap - INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM

cd "$root"
PORT=$users_port node services/users/dist/server.js & pids+=($!)
# The releases image's memory settings (Dockerfile; README, "sizing the releases pods"), so that what a hostile
# record costs here is what it costs in the chart's pod.
PORT=$releases_port MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" NODE_OPTIONS="--max-old-space-size=384 ${NODE_OPTIONS:-}" \
  node services/releases/dist/server.js & pids+=($!)
PORT=$gateway_port node services/gateway/dist/server.js & pids+=($!)
echo "platform starting: gateway http://127.0.0.1:$gateway_port (Ctrl-C stops it)" >&2
# If one service dies, stop the others rather than run half a platform.
wait -n || true
stop_all
