#!/usr/bin/env bash
# Installs, builds, starts, health-checks and stops the REAL local servers the platform and its tests use,
# without Docker: Redis, NATS with JetStream, FerretDB (MongoDB wire protocol on SQLite),
# etcd + kube-apiserver (RBAC on, no scheduler/kubelet: objects are stored, pods never run), a Helm chart
# repository and an OCI registry with a test chart (scripts/chart-servers.sh).
#
# Usage: scripts/servers.sh [start|stop [NAME...]|status]        (npm run servers)
#   start   (default) idempotent: installs redis-server/nats-server with apt when missing, runs
#           scripts/build-binaries.sh (a no-op when the pinned binaries are cached), starts whatever is not
#           already running and answering,
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
cache="${PLATFORM_CACHE_DIR:-$root/.cache}"
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
bin="$cache/bin"
run="${PLATFORM_RUN_DIR:-$cache/run}"
mkdir -p "$run" && run=$(cd "$run" && pwd)
pki="$run/pki"
logs="$run/logs"
host=127.0.0.1

redis_port=${PLATFORM_REDIS_PORT:-6379}
nats_port=${PLATFORM_NATS_PORT:-4222}
nats_monitor_port=${PLATFORM_NATS_MONITOR_PORT:-8222}
mongo_port=${PLATFORM_MONGO_PORT:-27017}
etcd_port=${PLATFORM_ETCD_PORT:-2379}
etcd_peer_port=${PLATFORM_ETCD_PEER_PORT:-2380}
kube_port=${PLATFORM_KUBE_PORT:-6443}
kube_timeout=${PLATFORM_KUBE_TIMEOUT:-120}
redis_persist=${PLATFORM_REDIS_PERSIST:-false}

kubeconfig="$run/kubeconfig"
envfile="${PLATFORM_ENV_FILE:-$root/.servers.env}"
service_cidr=10.0.0.0/24
limited_ns=team-a

die() { echo "servers: $*" >&2; exit 1; }
line() { printf '%-15s %s\n' "$1" "$2"; }
. "$root/scripts/chart-servers.sh"

# ---------------------------------------------------------------------------------------------------------------
# Programs

# Debian puts nats-server in /usr/sbin, which is not on a normal user's PATH.
find_prog() {
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /usr/bin /usr/local/bin /usr/local/sbin; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

ensure_packages() {
  local missing=() services=()
  find_prog redis-server >/dev/null || { missing+=(redis-server); services+=(redis-server); }
  find_prog redis-cli >/dev/null || missing+=(redis-tools)
  find_prog nats-server >/dev/null || { missing+=(nats-server); services+=(nats-server); }
  find_prog openssl >/dev/null || missing+=(openssl)
  find_prog curl >/dev/null || missing+=(curl ca-certificates)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: cannot install ${missing[*]}"
    sudo=(sudo)
  fi
  echo "installing ${missing[*]} with apt-get" >&2
  "${sudo[@]}" apt-get update -q >&2 || die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
  # On a systemd machine the packages start their own redis/nats on our ports (nats without JetStream).
  # We installed them only for this script, so turn those services off; ours run from here.
  if [ ${#services[@]} -gt 0 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now "${services[@]}" >&2 2>&1 || true
  fi
}

ensure_binaries() {
  # A quick no-op when every binary carries the pinned version stamp; builds (minutes) otherwise.
  PLATFORM_CACHE_DIR="$cache" bash "$root/scripts/build-binaries.sh" all >&2 || die "scripts/build-binaries.sh failed"
  local name
  for name in helm helm4 registry ferretdb etcd kube-apiserver; do
    [ -x "$bin/$name" ] || die "$bin/$name missing after scripts/build-binaries.sh"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Processes: one pid file per server in run/, logs in run/logs/

prog_of() {
  case "$1" in
    redis) echo redis-server ;;
    nats) echo nats-server ;;
    ferretdb) echo "$bin/ferretdb" ;;
    etcd) echo "$bin/etcd" ;;
    kube-apiserver) echo "$bin/kube-apiserver" ;;
    chart-repo) echo http.server ;;
    registry) echo "$bin/registry" ;;
  esac
}

# A process that exited but was not yet reaped (a zombie: some container init processes reap slowly) counts as gone.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state=$(sed -E 's/^[0-9]+ \(.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" != Z ]
}

# Prints the pid of the server we started, if it is still alive and still that program (pid reuse).
our_pid() {
  local f="$run/$1.pid" pid cmd
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  alive "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    case "$cmd" in *"$(prog_of "$1")"*) ;; *) return 1 ;; esac
  fi
  echo "$pid"
}

# launch NAME PROGRAM ARGS...: detached from this shell (own session, stdin closed), so it outlives the script.
launch() {
  local name=$1; shift
  mkdir -p "$logs"
  printf '=== %s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logs/$name.log"
  # 8>&-: the server must not inherit the lock on run/servers.lock
  ( exec setsid nohup "$@" >>"$logs/$name.log" 2>&1 </dev/null 8>&- ) &
  local pid=$! i
  echo "$pid" >"$run/$name.pid"
  # Until the subshell has exec'd the program, its command line is still this script's: wait for that,
  # so the pid-reuse guard in our_pid does not mistake a starting server for a dead one.
  for i in $(seq 1 100); do
    our_pid "$name" >/dev/null && break
    alive "$pid" || break
    sleep 0.02
  done
}

log_tail() {
  echo "--- last lines of $logs/$1.log:" >&2
  tail -n "${2:-25}" "$logs/$1.log" >&2 2>/dev/null || true
}

# await NAME TIMEOUT CHECK...: polls CHECK until it succeeds; fails early when our process died.
await() {
  local name=$1 timeout=$2 deadline pid
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if ! pid=$(our_pid "$name"); then
      log_tail "$name"
      die "$name exited during start-up (log: $logs/$name.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      log_tail "$name"
      die "$name (pid $pid) did not answer within ${timeout}s (log: $logs/$name.log)"
    fi
    sleep 0.25
  done
}

stop_one() {
  local name=$1 pid i
  if ! pid=$(our_pid "$name"); then
    rm -f "$run/$name.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$run/$name.pid"
  line "$name" "stopped (pid $pid)"
}

port_open() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

# Before launching: a port held by something that is not a healthy server of ours would only give a
# confusing start-up failure, so say which port and how to move.
require_free_port() {
  local name=$1 port=$2 var=$3
  port_open "$port" && die "$name: $host:$port is in use by a process that does not answer as $name; stop it or set $var"
  return 0
}

# ---------------------------------------------------------------------------------------------------------------
# Health checks: each one talks to the server's own protocol

redis_ok() { [ "$(timeout 3 "$redis_cli" -h "$host" -p "$redis_port" ping 2>/dev/null)" = PONG ]; }

nats_ok() {
  curl -sf --max-time 3 "http://$host:$nats_monitor_port/healthz?js-enabled-only=true" 2>/dev/null | grep -q '"ok"' \
    && curl -sf --max-time 3 "http://$host:$nats_monitor_port/jsz" 2>/dev/null | grep -q '"config"' \
    && timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$host" "$nats_port" 2>/dev/null | grep -q '^INFO'
}

# Sends an OP_MSG {ping: 1, $db: "admin"} and expects a reply whose document holds ok: 1 (double or int32).
mongo_ok() {
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(dd bs=1 count=4 <&3 2>/dev/null | od -An -tu4 | tr -d " \n")
    [ -n "$len" ] && [ "$len" -gt 16 ] && [ "$len" -lt 65536 ] || exit 1
    dd bs=1 count=$((len - 4)) <&3 2>/dev/null | od -An -v -tx1 | tr -d " \n"
  ' "$host" "$mongo_port" 2>/dev/null | grep -Eq '016f6b00000000000000f03f|106f6b0001000000'
}

etcd_ok() { curl -sf --max-time 3 "http://$host:$etcd_port/health" 2>/dev/null | grep -q '"health":"true"'; }

kube_ok() {
  [ -s "$pki/ca.crt" ] && [ -n "${admin_token:-}" ] || return 1
  [ "$(curl -s --max-time 5 --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token" \
    "https://$host:$kube_port/readyz" 2>/dev/null)" = ok ]
}

# ---------------------------------------------------------------------------------------------------------------
# Certificates and tokens for the API server (generated once, kept in run/pki)

ensure_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  local o="openssl"
  if [ ! -s "$pki/ca.crt" ] || [ ! -s "$pki/ca.key" ]; then
    rm -f "$pki/apiserver.crt"
    $o genrsa -out "$pki/ca.key" 2048 2>/dev/null
    $o req -x509 -new -nodes -key "$pki/ca.key" -sha256 -days 3650 -subj "/CN=porter-platform-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$pki/ca.crt" 2>/dev/null || die "openssl: cannot create the CA"
  fi
  if [ ! -s "$pki/apiserver.crt" ] || [ ! -s "$pki/apiserver.key" ]; then
    $o genrsa -out "$pki/apiserver.key" 2048 2>/dev/null
    $o req -new -key "$pki/apiserver.key" -subj "/CN=kube-apiserver" -out "$pki/apiserver.csr" 2>/dev/null
    cat >"$pki/apiserver.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    $o x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -sha256 -days 3650 \
      -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt" 2>/dev/null || die "openssl: cannot sign the serving certificate"
    rm -f "$pki/apiserver.csr"
  fi
  if [ ! -s "$pki/sa.key" ] || [ ! -s "$pki/sa.pub" ]; then
    $o genrsa -out "$pki/sa.key" 2048 2>/dev/null
    $o rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null || die "openssl: cannot create the service-account key"
  fi
  if [ ! -s "$pki/tokens.csv" ]; then
    # token,user,uid,"groups"
    {
      echo "$($o rand -hex 32),admin,admin,\"system:masters\""
      echo "$($o rand -hex 32),limited-user,limited-user,"
    } >"$pki/tokens.csv"
  fi
  chmod 600 "$pki"/*.key "$pki/tokens.csv"
  admin_token=$(awk -F, '$2 == "admin" { print $1 }' "$pki/tokens.csv")
  limited_token=$(awk -F, '$2 == "limited-user" { print $1 }' "$pki/tokens.csv")
  [ -n "$admin_token" ] && [ -n "$limited_token" ] || die "$pki/tokens.csv lacks the admin or limited-user token"
}

# kreq METHOD PATH [JSON]: prints the HTTP status; the body goes to run/last-response.json.
kreq() {
  local args=(-s --max-time 15 --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token"
    -H "Content-Type: application/json" -H "Accept: application/json" -X "$1" -o "$run/last-response.json" -w '%{http_code}')
  [ $# -ge 3 ] && args+=(--data-binary "$3")
  curl "${args[@]}" "https://$host:$kube_port$2" || echo 000
}

# kensure COLLECTION NAME JSON: create, or replace when it exists (so rule changes in this file take effect).
kensure() {
  local code
  code=$(kreq POST "$1" "$3")
  case "$code" in
    200 | 201) return 0 ;;
    409) [ "$1" = /api/v1/namespaces ] && return 0
      code=$(kreq PUT "$1/$2" "$3")
      [ "$code" = 200 ] && return 0 ;;
  esac
  die "kube-apiserver: writing $1/$2 answered HTTP $code: $(head -c 400 "$run/last-response.json" 2>/dev/null)"
}

setup_rbac() {
  kensure /api/v1/namespaces "$limited_ns" \
    '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"'"$limited_ns"'"}}'
  kensure "/apis/rbac.authorization.k8s.io/v1/namespaces/$limited_ns/roles" limited-user-full '{
    "apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
    "metadata":{"name":"limited-user-full","namespace":"'"$limited_ns"'"},
    "rules":[{"apiGroups":["","apps","batch","networking.k8s.io","policy","autoscaling","rbac.authorization.k8s.io"],
              "resources":["*"],"verbs":["*"]}]}'
  kensure "/apis/rbac.authorization.k8s.io/v1/namespaces/$limited_ns/rolebindings" limited-user-full '{
    "apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
    "metadata":{"name":"limited-user-full","namespace":"'"$limited_ns"'"},
    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"limited-user-full"},
    "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"limited-user"}]}'
}

write_kubeconfig() {
  local ca tmp="$kubeconfig.tmp.$$"
  ca=$(base64 <"$pki/ca.crt" | tr -d '\n')
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$host:$kube_port
    certificate-authority-data: $ca
users:
- name: admin
  user:
    token: $admin_token
- name: limited-user
  user:
    token: $limited_token
contexts:
- name: admin
  context:
    cluster: local
    user: admin
    namespace: default
- name: limited
  context:
    cluster: local
    user: limited-user
    namespace: $limited_ns
current-context: admin
preferences: {}
EOF
  chmod 600 "$tmp"
  mv -f "$tmp" "$kubeconfig"
}

write_envfile() {
  local tmp="$envfile.tmp.$$"
  cat >"$tmp" <<EOF
MONGO_URL=mongodb://$host:$mongo_port/platform
REDIS_URL=redis://$host:$redis_port
NATS_URL=nats://$host:$nats_port
KUBECONFIG=$kubeconfig
HELM_BIN=$bin/helm
HELM4_BIN=$bin/helm4
CHART_REPO_URL=http://$host:$chart_repo_port
OCI_REGISTRY=$host:$registry_port
EOF
  mv -f "$tmp" "$envfile"
}

# ---------------------------------------------------------------------------------------------------------------
# Servers

# serve NAME ADDRESS PORT PORTVAR TIMEOUT CHECK -- PROGRAM ARGS...: reuse when answering, wait for our own
# process when it is still starting, start it otherwise; then health-check.
serve() {
  local name=$1 addr=$2 port=$3 var=$4 timeout=$5 check=$6 pid state
  shift 7
  if $check; then
    if pid=$(our_pid "$name"); then state="already running (pid $pid)"; else state="already running (not ours)"; fi
  elif pid=$(our_pid "$name"); then
    await "$name" "$timeout" $check
    state="already running (pid $pid)"
  else
    require_free_port "$name" "$port" "$var"
    launch "$name" "$@"
    await "$name" "$timeout" $check
    state="started (pid $(cat "$run/$name.pid"))"
  fi
  line "$name" "ok  $addr  $state"
}

start_all() {
  exec 8>"$run/servers.lock"
  flock 8
  ensure_packages
  ensure_binaries
  redis_cli=$(find_prog redis-cli) || die "redis-cli not found"
  local redis_server nats_server
  redis_server=$(find_prog redis-server) || die "redis-server not found"
  nats_server=$(find_prog nats-server) || die "nats-server not found"
  mkdir -p "$run/redis" "$run/nats" "$run/ferretdb" "$logs"
  ensure_pki

  local appendonly=no
  [ "$redis_persist" = true ] && appendonly=yes
  serve redis "redis://$host:$redis_port" "$redis_port" PLATFORM_REDIS_PORT 20 redis_ok -- \
    "$redis_server" --bind "$host" --port "$redis_port" --save '' --appendonly "$appendonly" --daemonize no \
    --dir "$run/redis" --protected-mode yes

  require_distinct_monitor
  serve nats "nats://$host:$nats_port" "$nats_port" PLATFORM_NATS_PORT 20 nats_ok -- \
    "$nats_server" -a "$host" -p "$nats_port" -m "$nats_monitor_port" -js -sd "$run/nats" -n platform-test

  serve ferretdb "mongodb://$host:$mongo_port" "$mongo_port" PLATFORM_MONGO_PORT 30 mongo_ok -- \
    "$bin/ferretdb" -listen "$host:$mongo_port" -dir "$run/ferretdb"

  # etcd starts on an empty store: with no namespace controller or garbage collector, old objects
  # (Terminating namespaces, released tests' leftovers) would otherwise pile up forever.
  if ! etcd_ok && ! our_pid etcd >/dev/null; then
    stop_one kube-apiserver >/dev/null
    rm -rf "$run/etcd"
  fi
  mkdir -p "$run/etcd"
  chmod 700 "$run/etcd"
  serve etcd "http://$host:$etcd_port" "$etcd_port" PLATFORM_ETCD_PORT 30 etcd_ok -- \
    "$bin/etcd" --name platform-test --data-dir "$run/etcd" \
    --listen-client-urls "http://$host:$etcd_port" --advertise-client-urls "http://$host:$etcd_port" \
    --listen-peer-urls "http://$host:$etcd_peer_port" --initial-advertise-peer-urls "http://$host:$etcd_peer_port" \
    --initial-cluster "platform-test=http://$host:$etcd_peer_port" --initial-cluster-state new \
    --unsafe-no-fsync --log-level warn

  serve kube-apiserver "https://$host:$kube_port" "$kube_port" PLATFORM_KUBE_PORT "$kube_timeout" kube_ok -- \
    "$bin/kube-apiserver" \
    --etcd-servers="http://$host:$etcd_port" \
    --bind-address="$host" --advertise-address="$host" --secure-port="$kube_port" \
    --cert-dir="$pki" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" \
    --token-auth-file="$pki/tokens.csv" \
    --authorization-mode=RBAC \
    --disable-admission-plugins=ServiceAccount \
    --service-cluster-ip-range="$service_cidr" \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --profiling=false

  start_chart_servers

  setup_rbac
  write_kubeconfig
  write_envfile
  line "kubeconfig" "$kubeconfig (contexts admin, limited -> namespace $limited_ns)"
  line "env" "$envfile"
}

require_distinct_monitor() {
  [ "$nats_monitor_port" != "$nats_port" ] || die "PLATFORM_NATS_MONITOR_PORT must differ from PLATFORM_NATS_PORT"
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
  admin_token=""
  [ -s "$pki/tokens.csv" ] && admin_token=$(awk -F, '$2 == "admin" { print $1 }' "$pki/tokens.csv")
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
  -h | --help | help) sed -n '2,35p' "$0" ;;
  *) die "unknown command '$1' (start|stop|status)" ;;
esac
