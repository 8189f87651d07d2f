#!/usr/bin/env bash
# Installs, builds, starts, health-checks and stops the REAL local servers the platform and its tests use,
# without Docker: Redis, NATS with JetStream, FerretDB (MongoDB wire protocol on SQLite),
# etcd + kube-apiserver (RBAC on, no scheduler/kubelet: objects are stored, pods never run), a Helm chart
# repository and an OCI registry with a test chart. One file per concern under scripts/servers/: common.sh
# (paths, processes, .servers.env), redis.sh, nats.sh, ferretdb.sh, kube.sh (with the RBAC objects and the
# kubeconfig template in scripts/servers/kube/) and charts.sh.
#
# Usage: scripts/servers.sh [start|stop [NAME...]|status]        (npm run servers)
#   start   (default) idempotent: installs redis-server/nats-server with apt when missing, runs
#           scripts/build-binaries.sh (a no-op when the pinned binaries are cached), starts whatever is not
#           already running and answering (after waiting for one of ours that is still shutting down to exit),
#           health-checks every server, then writes the kubeconfig and <repo>/.servers.env.
#   stop    stops the servers this script started (pid files) and removes .servers.env.
#   stop NAME...  stops only those (redis nats ferretdb etcd kube-apiserver chart-repo registry) and keeps .servers.env;
#           `start` brings them back (the fault suite does this on a private set).
#   status  one line per server; exits 3 when one is down.
#
# State (data, pid files, logs, certificates, kubeconfig) lives in $PLATFORM_RUN_DIR (default
# $PLATFORM_CACHE_DIR/run, i.e. <repo>/.cache/run); binaries in $PLATFORM_CACHE_DIR/bin. A second, private set
# (other ports, own PLATFORM_RUN_DIR and PLATFORM_ENV_FILE) can run beside the shared one on the same binaries.
# Everything listens on 127.0.0.1; ports:
#   PLATFORM_REDIS_PORT=6379  PLATFORM_NATS_PORT=4222  PLATFORM_NATS_MONITOR_PORT=8222  PLATFORM_MONGO_PORT=27017
#   PLATFORM_ETCD_PORT=2379   PLATFORM_ETCD_PEER_PORT=2380  PLATFORM_KUBE_PORT=6443
#   PLATFORM_CHART_REPO_PORT=8879  PLATFORM_REGISTRY_PORT=5001
# PLATFORM_KUBE_TIMEOUT (s, default 120) bounds the wait for the API server's /readyz.
# PLATFORM_ENV_FILE (default <repo>/.servers.env) is where the server URLs are written.
# PLATFORM_REDIS_PERSIST=true gives Redis an append-only file, so its keys survive a restart.
#
# .servers.env (read by tests and local runs): MONGO_URL, REDIS_URL, NATS_URL, KUBECONFIG, HELM_BIN, HELM4_BIN,
# CHART_REPO_URL (http://127.0.0.1:8879), OCI_REGISTRY (127.0.0.1:5001; the charts are under oci://.../charts).
# The kubeconfig has inline credentials only: context `admin` (current, group system:masters) and context
# `limited` (user limited-user, namespace team-a, full access to that namespace only, through a Role).
# etcd starts on an empty data folder each time it is (re)started; Redis keeps nothing; FerretDB and NATS
# keep their data under run/ until `rm -rf <cache>/run/{ferretdb,nats}`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib.sh"
for part in common redis nats ferretdb kube charts; do
  . "$root/scripts/servers/$part.sh"
done

start_all() {
  exec 8>"$run/servers.lock"
  flock 8
  ensure_server_packages
  ensure_binaries
  redis_cli=$(find_prog redis-cli) || die "redis-cli not found"
  mkdir -p "$logs"
  ensure_pki

  start_redis
  start_nats
  start_ferretdb
  start_etcd
  start_kube_apiserver
  start_chart_servers

  setup_rbac
  write_kubeconfig
  write_envfile
  line "kubeconfig" "$kubeconfig (contexts admin, limited -> namespace $limited_ns)"
  line "env" "$envfile"
}

stop_all() {
  exec 8>"$run/servers.lock"
  flock 8
  local name
  if [ $# -gt 0 ]; then
    for name in "$@"; do
      case "$name" in
        redis | nats | ferretdb | etcd | kube-apiserver | chart-repo | registry) stop_one "$name" ;;
        *) die "unknown server '$name' (redis nats ferretdb etcd kube-apiserver chart-repo registry)" ;;
      esac
    done
    return 0
  fi
  for name in registry chart-repo kube-apiserver etcd ferretdb nats redis; do
    stop_one "$name"
  done
  rm -f "$envfile"
  line "servers" "stopped"
}

status_all() {
  redis_cli=$(find_prog redis-cli) || redis_cli=redis-cli
  read_tokens
  local down=0 name check addr pid who
  for entry in "redis redis_ok redis://$host:$redis_port" "nats nats_ok nats://$host:$nats_port" \
    "ferretdb mongo_ok mongodb://$host:$mongo_port" "etcd etcd_ok http://$host:$etcd_port" \
    "kube-apiserver kube_ok https://$host:$kube_port" "chart-repo chart_repo_ok http://$host:$chart_repo_port" \
    "registry registry_ok http://$host:$registry_port"; do
    read -r name check addr <<<"$entry"
    if pid=$(our_pid "$name"); then who="pid $pid"; else who="not started by this script"; fi
    if $check; then
      line "$name" "up    $addr  ($who)"
    elif [ "$who" != "not started by this script" ]; then
      line "$name" "NOT ANSWERING  $addr  ($who, log $logs/$name.log)"
      down=1
    else
      line "$name" "down  $addr"
      down=1
    fi
  done
  [ $down -eq 0 ] || exit 3
}

case "${1:-start}" in
  start) start_all ;;
  stop) shift; stop_all "$@" ;;
  status) status_all ;;
  -h | --help | help) sed -n "2,35p" "$0" ;;
  *) die "unknown command '$1' (start|stop|status)" ;;
esac
